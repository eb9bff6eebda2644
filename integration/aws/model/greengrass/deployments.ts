import { randomUUID } from 'node:crypto';
import { type AccountContext, parseIotArn } from '../arn.js';
import type { Clock } from '../clock.js';
import { AwsError, notFound } from '../errors.js';
import type { JobsService } from '../jobs/jobs-service.js';
import type { JobExecution } from '../jobs/types.js';
import type { ThingStore } from '../registry/things.js';
import {
  DEPLOYMENT_JOB_NAMESPACE,
  deploymentDocument,
  withDefaultPolicies,
  type ComponentDeploymentSpecification,
  type DeploymentPolicies,
} from './deployment-document.js';

export type DeploymentStatus = 'ACTIVE' | 'COMPLETED' | 'CANCELED' | 'FAILED' | 'INACTIVE';

export interface CreateDeploymentInput {
  targetArn: string;
  deploymentName?: string;
  components?: Record<string, ComponentDeploymentSpecification>;
  deploymentPolicies?: DeploymentPolicies;
  iotJobConfiguration?: Record<string, unknown>;
  tags?: Record<string, string>;
}

export interface Deployment {
  deploymentId: string;
  deploymentName?: string;
  targetArn: string;
  revisionId: string;
  components: Record<string, ComponentDeploymentSpecification>;
  deploymentPolicies: Required<DeploymentPolicies>;
  iotJobConfiguration: Record<string, unknown>;
  tags: Record<string, string>;
  /** Epoch milliseconds. */
  creationTimestamp: number;
  iotJobId: string;
  iotJobArn: string;
  status: DeploymentStatus;
  isLatestForTarget: boolean;
}

interface Stored extends Omit<Deployment, 'status' | 'isLatestForTarget'> {
  canceled: boolean;
  /** GetDeployment finds the deployment only from then on (read-after-write lag). */
  visibleAt: number;
}

/**
 * Greengrass V2 deployments. Each one is carried out by an AWS IoT job in the deployment
 * namespace whose document is the deployment configuration; a new deployment for a target
 * replaces the last one (its job is canceled, it becomes INACTIVE). Like the service, GetDeployment
 * can answer ResourceNotFound for a moment after CreateDeployment.
 */
export class GreengrassDeployments {
  private readonly deployments = new Map<string, Stored>();
  /** target ARN -> deployment ids, oldest first */
  private readonly byTarget = new Map<string, string[]>();
  /** How long a new deployment stays invisible to GetDeployment (ms); changeable at run time. */
  readAfterWriteDelayMs: number;

  constructor(
    private readonly ctx: AccountContext,
    private readonly clock: Clock,
    private readonly jobs: JobsService,
    private readonly things: ThingStore,
    readAfterWriteDelayMs = 300,
  ) {
    this.readAfterWriteDelayMs = readAfterWriteDelayMs;
  }

  createDeployment(input: CreateDeploymentInput): { deploymentId: string; iotJobId: string; iotJobArn: string } {
    const target = this.target(input.targetArn);
    const history = this.byTarget.get(input.targetArn) ?? [];
    const revisionId = String(history.length + 1);
    const deploymentId = randomUUID();
    const creationTimestamp = this.clock.now();
    const policies = withDefaultPolicies(input.deploymentPolicies);
    const components = structuredClone(input.components ?? {});
    const document = deploymentDocument({
      deploymentId,
      configurationArn: `arn:aws:greengrass:${this.ctx.region}:${this.ctx.accountId}:configuration:${target}:${revisionId}`,
      components,
      policies,
      creationTimestamp,
    });
    const jobConfiguration = input.iotJobConfiguration ?? {};
    const iotJobId = randomUUID();
    const { jobArn } = this.jobs.createJob({
      jobId: iotJobId,
      targets: [input.targetArn],
      targetSelection: 'CONTINUOUS',
      namespaceId: DEPLOYMENT_JOB_NAMESPACE,
      document: JSON.stringify(document),
      description: `Greengrass deployment ${deploymentId}`,
      ...(jobConfiguration as object),
    });
    // The revision it replaces stops reaching devices that have not started it yet.
    const previous = history.at(-1);
    if (previous !== undefined) this.cancelJob(this.deployments.get(previous)!);
    this.deployments.set(deploymentId, {
      deploymentId,
      ...(input.deploymentName === undefined ? {} : { deploymentName: input.deploymentName }),
      targetArn: input.targetArn,
      revisionId,
      components,
      deploymentPolicies: policies,
      iotJobConfiguration: structuredClone(jobConfiguration),
      tags: { ...input.tags },
      creationTimestamp,
      iotJobId,
      iotJobArn: jobArn,
      canceled: false,
      visibleAt: creationTimestamp + this.readAfterWriteDelayMs,
    });
    this.byTarget.set(input.targetArn, [...history, deploymentId]);
    return { deploymentId, iotJobId, iotJobArn: jobArn };
  }

  getDeployment(deploymentId: string): Deployment {
    const stored = this.deployments.get(deploymentId);
    if (!stored || this.clock.now() < stored.visibleAt) throw notFound(`Deployment ${deploymentId} not found`);
    return this.view(stored);
  }

  /** Newest first; LATEST_ONLY keeps each target's latest revision. */
  listDeployments(filter: { targetArn?: string; latestOnly?: boolean } = {}): Deployment[] {
    const targets = filter.targetArn === undefined ? [...this.byTarget.keys()] : [filter.targetArn];
    const ids = targets.flatMap((t) => {
      const history = this.byTarget.get(t) ?? [];
      return filter.latestOnly ? history.slice(-1) : history;
    });
    return ids.map((id) => this.view(this.deployments.get(id)!)).sort((a, b) => b.creationTimestamp - a.creationTimestamp);
  }

  cancelDeployment(deploymentId: string): void {
    const stored = this.deployments.get(deploymentId);
    if (!stored) throw notFound(`Deployment ${deploymentId} not found`);
    if (stored.canceled) throw new AwsError('ConflictException', `Deployment ${deploymentId} is already canceled`);
    stored.canceled = true;
    this.cancelJob(stored);
  }

  /** The deployments that reached a core device, with the device's execution of each, newest first. */
  effectiveDeployments(thingName: string): Array<{ deployment: Deployment; execution: JobExecution }> {
    this.things.describeThing(thingName);
    const byJob = new Map([...this.deployments.values()].map((d) => [d.iotJobId, d]));
    return this.jobs
      .listJobExecutionsForThing(thingName)
      .flatMap((execution) => {
        const stored = byJob.get(execution.jobId);
        return stored ? [{ deployment: this.view(stored), execution }] : [];
      })
      .sort((a, b) => b.deployment.creationTimestamp - a.deployment.creationTimestamp);
  }

  /** `thinggroup/<name>` or `thing/<name>` of a target that exists in this account. */
  private target(targetArn: string): string {
    const group = parseIotArn(this.ctx, targetArn, 'thinggroup');
    if (group !== undefined) {
      this.things.describeThingGroup(group);
      return `thinggroup/${group}`;
    }
    const thing = parseIotArn(this.ctx, targetArn, 'thing');
    if (thing !== undefined) {
      this.things.describeThing(thing);
      return `thing/${thing}`;
    }
    throw new AwsError('ValidationException', `targetArn must be the ARN of a thing or thing group of this account: ${targetArn}`);
  }

  private cancelJob(stored: Stored): void {
    const { job } = this.jobs.describeJob(stored.iotJobId);
    if (job.status === 'IN_PROGRESS') this.jobs.cancelJob(stored.iotJobId, { reasonCode: 'GREENGRASS_DEPLOYMENT_REPLACED' });
  }

  private view(stored: Stored): Deployment {
    const { canceled: _canceled, visibleAt: _visibleAt, ...rest } = stored;
    const history = this.byTarget.get(stored.targetArn) ?? [];
    const isLatestForTarget = history.at(-1) === stored.deploymentId;
    return { ...structuredClone(rest), status: this.status(stored, isLatestForTarget), isLatestForTarget };
  }

  /**
   * A deployment to a thing group stays ACTIVE while it is the group's latest (devices that join
   * later receive it); one to a single thing completes when the thing's execution ends.
   */
  private status(stored: Stored, latest: boolean): DeploymentStatus {
    if (stored.canceled) return 'CANCELED';
    if (!latest) return 'INACTIVE';
    if (parseIotArn(this.ctx, stored.targetArn, 'thing') === undefined) return 'ACTIVE';
    const executions = this.jobs.listJobExecutionsForJob(stored.iotJobId);
    if (executions.length === 0 || executions.some((e) => e.status === 'QUEUED' || e.status === 'IN_PROGRESS')) return 'ACTIVE';
    return executions.every((e) => e.status === 'SUCCEEDED') ? 'COMPLETED' : 'FAILED';
  }
}
