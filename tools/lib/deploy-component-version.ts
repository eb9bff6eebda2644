import {
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GreengrassV2Client,
  ListDeploymentsCommand,
  type ComponentDeploymentSpecification,
  type GetDeploymentCommandOutput,
} from '@aws-sdk/client-greengrassv2';
import { DescribeJobExecutionCommand, DescribeThingGroupCommand, IoTClient } from '@aws-sdk/client-iot';
import { UsageError, clientConfig, describeAwsError, type CliIo } from './cli.js';
import { DEPLOY_USAGE, parseDeployArgs, type DeployOptions } from './deploy-options.js';
import { watchJob, type ExecutionSummary } from '../../shared/operator/job-watch.js';
import { ProgressLine, renderProgress } from '../../shared/operator/progress-bar.js';

export interface DeployDeps {
  greengrass?: GreengrassV2Client;
  iot?: IoTClient;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface DeployResult {
  exitCode: number;
  deploymentId?: string;
  iotJobId?: string;
  executions?: ExecutionSummary[];
}

const isNotFound = (error: unknown): boolean => (error as Error).name === 'ResourceNotFoundException';

/** The components of a deployment with `componentName` added at `version`, or moved to it (its configuration kept). */
export function withComponentVersion(
  components: Record<string, ComponentDeploymentSpecification>,
  componentName: string,
  version: string,
): Record<string, ComponentDeploymentSpecification> {
  return { ...components, [componentName]: { ...components[componentName], componentVersion: version } };
}

async function thingGroupArn(iot: IoTClient, thingGroupName: string): Promise<string> {
  try {
    const group = await iot.send(new DescribeThingGroupCommand({ thingGroupName }));
    if (!group.thingGroupArn) throw new Error(`DescribeThingGroup returned no ARN for ${thingGroupName}`);
    return group.thingGroupArn;
  } catch (error) {
    if (isNotFound(error)) throw new Error(`Thing group ${thingGroupName} not found`);
    throw error;
  }
}

async function latestDeployment(greengrass: GreengrassV2Client, targetArn: string, thingGroupName: string): Promise<GetDeploymentCommandOutput> {
  const list = await greengrass.send(new ListDeploymentsCommand({ targetArn, historyFilter: 'LATEST_ONLY' }));
  const deploymentId = list.deployments?.[0]?.deploymentId;
  if (deploymentId === undefined) {
    throw new Error(`No deployment targets thing group ${thingGroupName}: this command updates the group's latest deployment, so create one first`);
  }
  return greengrass.send(new GetDeploymentCommand({ deploymentId }));
}

/**
 * The IoT job behind a new deployment. Greengrass is eventually consistent: GetDeployment can
 * answer ResourceNotFound, or have no job yet, for a while after CreateDeployment.
 */
interface JobLookup {
  greengrass: GreengrassV2Client;
  deploymentId: string;
  deadline: number;
  intervalMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

async function deploymentJobId({ greengrass, deploymentId, deadline, intervalMs, sleep, now }: JobLookup): Promise<string | undefined> {
  for (;;) {
    try {
      const deployment = await greengrass.send(new GetDeploymentCommand({ deploymentId }));
      if (deployment.deploymentStatus === 'FAILED' || deployment.deploymentStatus === 'CANCELED') {
        throw new Error(`Deployment ${deploymentId} is ${deployment.deploymentStatus}`);
      }
      if (deployment.iotJobId) return deployment.iotJobId;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (now() >= deadline) return undefined;
    await sleep(Math.min(intervalMs, 2000));
  }
}

async function failureDetails(iot: IoTClient, jobId: string, thingName: string): Promise<string> {
  try {
    const { execution } = await iot.send(new DescribeJobExecutionCommand({ jobId, thingName }));
    return Object.entries(execution?.statusDetails?.detailsMap ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ');
  } catch (error) {
    return `status details unavailable (${describeAwsError(error)})`;
  }
}

/**
 * Deploys a component version to a thing group by revising the group's latest deployment, then
 * waits for the deployment's IoT job to end on every core device.
 */
export async function runDeployComponentVersion(options: DeployOptions, io: CliIo, deps: DeployDeps = {}): Promise<DeployResult> {
  const greengrass = deps.greengrass ?? new GreengrassV2Client(clientConfig(options));
  const iot = deps.iot ?? new IoTClient(clientConfig(options));
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const say = (line: string): void => void io.stderr.write(`${line}\n`);
  try {
    const { version, thingGroupName, componentName } = options;
    say(`Deploying ${componentName} ${version} to thing group ${thingGroupName}`);
    const targetArn = await thingGroupArn(iot, thingGroupName);
    const current = await latestDeployment(greengrass, targetArn, thingGroupName);
    say(current.deploymentName ? `Latest deployment: "${current.deploymentName}" (${current.deploymentId})` : `Latest deployment: unnamed (${current.deploymentId})`);

    const components = current.components ?? {};
    const previous = components[componentName]?.componentVersion;
    say(previous === undefined ? `Adding ${componentName} ${version}` : `Updating ${componentName} from ${previous} to ${version}`);
    const deploymentName = current.deploymentName ?? `Deployment for ${thingGroupName}`;
    const created = await greengrass.send(
      new CreateDeploymentCommand({
        targetArn: current.targetArn ?? targetArn,
        deploymentName,
        components: withComponentVersion(components, componentName, version),
        // The group's rollout, timeout and failure handling stay as the operator set them.
        ...(current.deploymentPolicies ? { deploymentPolicies: current.deploymentPolicies } : {}),
        ...(current.iotJobConfiguration ? { iotJobConfiguration: current.iotJobConfiguration } : {}),
      }),
    );
    const deploymentId = created.deploymentId ?? '';
    const started = now();
    const deadline = started + options.timeoutMs;
    say(`Created deployment ${deploymentId} ("${deploymentName}"); waiting up to ${options.timeoutMs / 1000} s for it to finish`);

    const iotJobId = created.iotJobId ?? (await deploymentJobId({ greengrass, deploymentId, deadline, intervalMs: options.pollIntervalMs, sleep, now }));
    if (iotJobId === undefined) {
      say(`Deployment ${deploymentId} did not start within ${options.timeoutMs / 1000} s`);
      return { exitCode: 1, deploymentId };
    }
    const line = new ProgressLine(io.stderr);
    const progress = await watchJob(iot, iotJobId, {
      intervalMs: options.pollIntervalMs,
      timeoutMs: Math.max(0, deadline - now()),
      sleep,
      now,
      onProgress: (p) => line.update(renderProgress(p.counts, p.executions.length)),
    });
    line.finish();
    const result = { deploymentId, iotJobId, executions: progress.executions };
    if (progress.timedOut) {
      say(`Deployment ${deploymentId} did not finish within ${options.timeoutMs / 1000} s (job ${iotJobId})`);
      return { exitCode: 1, ...result };
    }
    const failed = progress.executions.filter((e) => e.status !== 'SUCCEEDED');
    if (failed.length > 0) {
      for (const e of failed) say(`  ${e.thingName} ${e.status}: ${(await failureDetails(iot, iotJobId, e.thingName)) || 'no details'}`);
      say(`Deployment ${deploymentId} failed on ${failed.length} of ${progress.executions.length} core device(s)`);
      return { exitCode: 1, ...result };
    }
    io.stdout.write(`Deployment ${deploymentId} of ${componentName} ${version} succeeded on ${progress.executions.length} core device(s) in ${((now() - started) / 1000).toFixed(1)} s\n`);
    return { exitCode: 0, ...result };
  } finally {
    if (!deps.greengrass) greengrass.destroy();
    if (!deps.iot) iot.destroy();
  }
}

/** The command: parses argv, prints help or runs; returns the exit code (2 for a bad command line). */
export async function deployMain(argv: string[], io: CliIo, deps: DeployDeps = {}): Promise<number> {
  let parsed: ReturnType<typeof parseDeployArgs>;
  try {
    parsed = parseDeployArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`deploy-component-version: ${error.message}\nRun with --help for the options.\n`);
    return 2;
  }
  if (parsed.help) {
    io.stdout.write(DEPLOY_USAGE);
    return 0;
  }
  try {
    return (await runDeployComponentVersion(parsed.options, io, deps)).exitCode;
  } catch (error) {
    io.stderr.write(`deploy-component-version: ${describeAwsError(error)}\n`);
    return 1;
  }
}
