import { GetDeploymentCommand, type GreengrassV2Client } from '@aws-sdk/client-greengrassv2';
import { DescribeJobExecutionCommand, type IoTClient } from '@aws-sdk/client-iot';
import { watchJob, type ExecutionSummary } from './job-watch.js';
import { ProgressLine, renderProgress, type ProgressStream } from './progress-bar.js';
import { pollUntil } from '../wait/poll.js';

/** Where the wait reports: a final line on stdout, progress and failures on stderr. */
export interface DeploymentWaitIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

export interface AwaitOptions {
  timeoutMs: number;
  pollIntervalMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface DeploymentOutcome {
  exitCode: number;
  deploymentId?: string;
  iotJobId?: string;
  executions?: ExecutionSummary[];
}

const isNotFound = (error: unknown): boolean => (error as Error).name === 'ResourceNotFoundException';

const describe = (error: unknown): string =>
  error instanceof Error ? (error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message) : String(error);

/**
 * The IoT job behind a new deployment. Greengrass is eventually consistent: GetDeployment can
 * answer ResourceNotFound, or have no job yet, for a while after CreateDeployment.
 */
async function deploymentJobId(
  greengrass: GreengrassV2Client,
  deploymentId: string,
  deadline: number,
  options: AwaitOptions,
): Promise<string | undefined> {
  const readJobId = async (): Promise<string | undefined> => {
    try {
      const deployment = await greengrass.send(new GetDeploymentCommand({ deploymentId }));
      if (deployment.deploymentStatus === 'FAILED' || deployment.deploymentStatus === 'CANCELED') {
        throw new Error(`Deployment ${deploymentId} is ${deployment.deploymentStatus}`);
      }
      return deployment.iotJobId || undefined;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return undefined;
    }
  };
  const timing = {
    timeoutMs: Math.max(0, deadline - options.now()),
    intervalMs: Math.min(options.pollIntervalMs, 2000),
    sleep: options.sleep,
    now: options.now,
  };
  return (await pollUntil(readJobId, (jobId) => jobId !== undefined, timing)).value;
}

async function failureDetails(iot: IoTClient, jobId: string, thingName: string): Promise<string> {
  try {
    const { execution } = await iot.send(new DescribeJobExecutionCommand({ jobId, thingName }));
    return Object.entries(execution?.statusDetails?.detailsMap ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
  } catch (error) {
    return `status details unavailable (${describe(error)})`;
  }
}

/**
 * Waits for a new deployment's IoT job to end on every core device (the job id from
 * CreateDeployment, or from GetDeployment once the deployment is readable); exit code 0 only when
 * every core succeeded, each failure reported with the nucleus's failure cause.
 */
export async function awaitDeployment(
  clients: { greengrass: GreengrassV2Client; iot: IoTClient },
  created: { deploymentId: string; iotJobId?: string | undefined; description: string },
  options: AwaitOptions,
  io: DeploymentWaitIo,
): Promise<DeploymentOutcome> {
  const { greengrass, iot } = clients;
  const { sleep, now } = options;
  const say = (line: string): void => void io.stderr.write(`${line}\n`);
  const { deploymentId } = created;
  const started = now();
  const deadline = started + options.timeoutMs;
  const iotJobId = created.iotJobId ?? (await deploymentJobId(greengrass, deploymentId, deadline, options));
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
  io.stdout.write(
    `Deployment ${deploymentId} of ${created.description} succeeded on ${progress.executions.length} core device(s) in ${((now() - started) / 1000).toFixed(1)} s\n`,
  );
  return { exitCode: 0, ...result };
}
