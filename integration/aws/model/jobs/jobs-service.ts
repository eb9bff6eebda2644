import type { z } from 'zod';
import { type AccountContext, jobArn, parseIotArn } from '../arn.js';
import type { Clock } from '../clock.js';
import { AwsError, invalidRequest, notFound } from '../errors.js';
import type { ThingStore } from '../registry/things.js';
import { applyServiceTransition } from './executions.js';
import type { ExecutionLifecycle } from './lifecycle.js';
import { createJobSchema, parseRequest, statusDetailsSchema } from './schemas.js';
import type { JobState } from './state.js';
import type { JobTemplateStore } from './templates.js';
import { isTerminal, type Job, type JobExecution, JobsError, type JobProcessDetails, type StatusDetails } from './types.js';

export type CreateJobRequest = z.input<typeof createJobSchema>;

/** The AWS IoT Jobs control plane (operations of the `iot` service). */
export class JobsService {
  constructor(
    private readonly ctx: AccountContext,
    private readonly clock: Clock,
    private readonly state: JobState,
    private readonly lifecycle: ExecutionLifecycle,
    private readonly templates: JobTemplateStore,
    private readonly things: ThingStore,
  ) {
    things.joined.add(({ thingGroupName, thingName }) => this.reachNewMember(thingGroupName, thingName));
  }

  /** A CONTINUOUS job targeting a group reaches a thing that joins the group later. */
  private reachNewMember(thingGroupName: string, thingName: string): void {
    const groupArn = this.things.describeThingGroup(thingGroupName).thingGroupArn;
    for (const job of this.state.jobs.values()) {
      if (job.targetSelection !== 'CONTINUOUS' || job.status !== 'IN_PROGRESS' || !job.targets.includes(groupArn)) continue;
      const waiting = this.state.undispatched.get(job.jobId) ?? [];
      if (this.state.execution(job.jobId, thingName) || waiting.includes(thingName)) continue;
      this.state.undispatched.set(job.jobId, [...waiting, thingName]);
      if (waiting.length === 0) this.lifecycle.startRollout(job.jobId);
    }
  }

  /**
   * CreateJob. With `jobTemplateArn`, the template's document and settings apply unless the
   * request sets its own. Thing groups are expanded to their members now; a CONTINUOUS job also
   * reaches things that join a target group later, and never completes by itself.
   */
  createJob(request: CreateJobRequest): { jobId: string; jobArn: string; description?: string } {
    const { jobTemplateArn, document, targets, targetSelection, ...overrides } = parseRequest(createJobSchema, request);
    if (this.state.jobs.has(overrides.jobId)) {
      throw new AwsError('ResourceAlreadyExistsException', `Job ${overrides.jobId} already exists`);
    }
    const template = jobTemplateArn === undefined ? undefined : this.templates.byArn(jobTemplateArn);
    if (template && document !== undefined) throw invalidRequest('Invalid document: not allowed with jobTemplateArn');
    const jobDocument = document ?? template?.document;
    if (jobDocument === undefined) throw invalidRequest('Invalid document: a document or jobTemplateArn is required');
    const thingNames = this.resolveTargets(targets);
    const now = this.clock.now();
    const settings = Object.fromEntries(
      Object.entries({ ...template, ...overrides }).filter(
        ([key, value]) => value !== undefined && !['jobTemplateId', 'jobTemplateArn', 'document', 'createdAt'].includes(key),
      ),
    );
    const job: Job = {
      ...settings,
      jobId: overrides.jobId,
      jobArn: jobArn(this.ctx, overrides.jobId),
      ...(template ? { jobTemplateArn: template.jobTemplateArn } : {}),
      document: jobDocument,
      targets: [...targets],
      targetSelection: targetSelection ?? 'SNAPSHOT',
      status: 'IN_PROGRESS',
      createdAt: now,
      lastUpdatedAt: now,
    };
    this.state.jobs.set(job.jobId, job);
    this.state.undispatched.set(job.jobId, thingNames);
    this.lifecycle.startRollout(job.jobId);
    return { jobId: job.jobId, jobArn: job.jobArn, ...(job.description === undefined ? {} : { description: job.description }) };
  }

  describeJob(jobId: string): { job: Job; jobProcessDetails: JobProcessDetails } {
    return { job: structuredClone(this.state.job(jobId)), jobProcessDetails: this.state.processDetails(jobId) };
  }

  listJobs(): Job[] {
    return [...this.state.jobs.values()].map((job) => structuredClone(job));
  }

  getJobDocument(jobId: string): { document: string } {
    return { document: this.state.job(jobId).document };
  }

  /** Queued executions are canceled; in-progress ones only with `force`. Undispatched ones never start. */
  cancelJob(jobId: string, options: { force?: boolean; reasonCode?: string; comment?: string } = {}): void {
    const job = this.state.job(jobId);
    if (job.status === 'COMPLETED' || (job.status === 'CANCELED' && !options.force)) {
      throw new AwsError('InvalidStateTransitionException', `Job ${jobId} is ${job.status}`);
    }
    const now = this.clock.now();
    Object.assign(job, {
      status: 'CANCELED',
      lastUpdatedAt: now,
      forceCanceled: options.force ?? false,
      ...(options.reasonCode === undefined ? {} : { reasonCode: options.reasonCode }),
      ...(options.comment === undefined ? {} : { comment: options.comment }),
    });
    this.lifecycle.stopRollout(jobId);
    for (const execution of this.state.executionsOfJob(jobId)) {
      if (execution.status === 'QUEUED' || (execution.status === 'IN_PROGRESS' && options.force)) {
        this.lifecycle.commit(
          applyServiceTransition(execution, 'CANCELED', now, { forceCanceled: execution.status === 'IN_PROGRESS' }),
          execution,
        );
      }
    }
  }

  deleteJob(jobId: string, force = false): void {
    const job = this.state.job(jobId);
    if (job.status === 'IN_PROGRESS' && !force) {
      throw new AwsError('InvalidStateTransitionException', `Job ${jobId} is IN_PROGRESS; cancel it or use force`);
    }
    this.state.jobs.delete(jobId);
    this.lifecycle.forget(jobId, job.namespaceId);
  }

  /** DescribeJobExecution of the control plane (the record; render it for the wire). */
  describeJobExecution(jobId: string, thingName: string): JobExecution {
    this.state.job(jobId);
    const execution = this.state.execution(jobId, thingName);
    if (!execution) throw notFound(`Job execution ${jobId} for ${thingName} cannot be found.`);
    return structuredClone(execution);
  }

  listJobExecutionsForJob(jobId: string): JobExecution[] {
    this.state.job(jobId);
    return this.state.executionsOfJob(jobId).map((e) => structuredClone(e));
  }

  listJobExecutionsForThing(thingName: string): JobExecution[] {
    return this.state.executionsOfThing(thingName).map((e) => structuredClone(e));
  }

  cancelJobExecution(
    jobId: string,
    thingName: string,
    options: { force?: boolean; expectedVersion?: number; statusDetails?: StatusDetails } = {},
  ): void {
    const execution = this.describeJobExecution(jobId, thingName);
    if (isTerminal(execution.status) || (execution.status === 'IN_PROGRESS' && !options.force)) {
      throw new JobsError('InvalidStateTransitionException', `Job execution is ${execution.status}`, 'InvalidStateTransition');
    }
    if (options.expectedVersion !== undefined && options.expectedVersion !== execution.versionNumber) {
      throw new JobsError('VersionConflictException', 'Version mismatch', 'VersionMismatch');
    }
    const statusDetails = options.statusDetails === undefined ? undefined : parseRequest(statusDetailsSchema, options.statusDetails);
    this.lifecycle.commit(
      applyServiceTransition(execution, 'CANCELED', this.clock.now(), {
        forceCanceled: execution.status === 'IN_PROGRESS',
        ...(statusDetails ? { statusDetails } : {}),
      }),
      execution,
    );
  }

  private resolveTargets(targets: string[]): string[] {
    const names: string[] = [];
    for (const target of targets) {
      const thing = parseIotArn(this.ctx, target, 'thing');
      const group = parseIotArn(this.ctx, target, 'thinggroup');
      if (thing !== undefined) {
        this.things.describeThing(thing);
        names.push(thing);
      } else if (group !== undefined) {
        names.push(...this.things.listThingsInThingGroup(group));
      } else {
        throw invalidRequest(`Invalid targets: ${target} is not a thing or thing group ARN of this account`);
      }
    }
    return [...new Set(names)];
  }
}
