import {
  CreateDeploymentCommand,
  GetDeploymentCommand,
  ListDeploymentsCommand,
  type GetDeploymentCommandOutput,
  type GreengrassV2Client,
} from '@aws-sdk/client-greengrassv2';
import { DescribeJobExecutionCommand, type IoTClient } from '@aws-sdk/client-iot';
import { watchJob } from '../../shared/operator/job-watch.js';
import { pollUntil, type PollOptions } from '../../shared/wait/poll.js';
import { COMPONENT_NAME } from '../../shared/contract/index.js';
import type { DeploymentOutcome } from './target.js';
import { componentValidationMessage } from './validation-failure.js';

/** The keys the Greengrass nucleus writes into a deployment job execution's status details. */
export const DETAILED_STATUS_KEY = 'detailed-deployment-status';
export const FAILURE_CAUSE_KEY = 'deployment-failure-cause';

export interface ConfigurationDeploymentContext {
  greengrass: GreengrassV2Client;
  iot: IoTClient;
  thingGroupArn: string;
  things: string[];
  pollIntervalMs: number;
  jobTimeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  /** How often to ask again for a deployment that GetDeployment does not know yet. */
  getDeploymentAttempts?: number;
  getDeploymentRetryMs?: number;
}

const isNotFound = (error: unknown): boolean => (error as { name?: string } | null)?.name === 'ResourceNotFoundException';

/**
 * Polling for a deployment that was just created: its time is counted in the waits between reads
 * (attempts × retry), so a sleep that returns at once still ends after that many attempts.
 */
function readTiming(context: ConfigurationDeploymentContext): PollOptions {
  const intervalMs = context.getDeploymentRetryMs ?? 1_000;
  let waited = 0;
  const sleep = (ms: number): Promise<void> => ((waited += ms), context.sleep(ms));
  return { timeoutMs: ((context.getDeploymentAttempts ?? 10) - 1) * intervalMs, intervalMs, sleep, now: () => waited };
}

/** GetDeployment, allowing for a deployment that was just created and is not yet readable. */
export async function getDeployment(context: ConfigurationDeploymentContext, deploymentId: string): Promise<GetDeploymentCommandOutput> {
  const read = async (): Promise<GetDeploymentCommandOutput | { notFound: unknown }> => {
    try {
      return await context.greengrass.send(new GetDeploymentCommand({ deploymentId }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return { notFound: error };
    }
  };
  const { value } = await pollUntil(read, (answer) => !('notFound' in answer), readTiming(context));
  if ('notFound' in value) throw value.notFound;
  return value;
}

/** The IoT job behind a deployment; Greengrass fills iotJobId in shortly after creating it. */
async function iotJobOf(context: ConfigurationDeploymentContext, deploymentId: string): Promise<string> {
  const read = async () => (await getDeployment(context, deploymentId)).iotJobId;
  const { value: iotJobId } = await pollUntil(read, (jobId) => Boolean(jobId), readTiming(context));
  if (!iotJobId) throw new Error(`deployment ${deploymentId} has no IoT job`);
  return iotJobId;
}

/** One core's outcome, from its execution of the deployment's IoT job. */
export async function deploymentOutcome(iot: IoTClient, jobId: string, thingName: string): Promise<DeploymentOutcome> {
  let execution;
  try {
    execution = (await iot.send(new DescribeJobExecutionCommand({ jobId, thingName }))).execution;
  } catch (error) {
    if (isNotFound(error)) return { thingName, status: 'FAILED', message: `no execution of deployment job ${jobId}` };
    throw error;
  }
  const status = execution?.status ?? 'UNKNOWN';
  const details = execution?.statusDetails?.detailsMap ?? {};
  const detailed = details[DETAILED_STATUS_KEY];
  if (status === 'SUCCEEDED') return { thingName, status: 'SUCCEEDED', message: detailed ?? status };
  const cause = details[FAILURE_CAUSE_KEY];
  const message = (cause === undefined ? undefined : componentValidationMessage(cause)) ?? cause ?? detailed ?? status;
  return { thingName, status: 'FAILED', message };
}

/**
 * Merges a configuration into the component on every core of the group, as the original's
 * integration library does: revise the group's latest deployment (every other component and the
 * deployment policies kept), wait for its IoT job, then read each core's outcome.
 */
export async function deployConfiguration(
  context: ConfigurationDeploymentContext,
  configuration: Record<string, unknown>,
): Promise<DeploymentOutcome[]> {
  const latest = await context.greengrass.send(
    new ListDeploymentsCommand({ targetArn: context.thingGroupArn, historyFilter: 'LATEST_ONLY', maxResults: 1 }),
  );
  const latestId = latest.deployments?.[0]?.deploymentId;
  if (!latestId) throw new Error(`no Greengrass deployment targets ${context.thingGroupArn}: deploy ${COMPONENT_NAME} to it first`);
  const current = await getDeployment(context, latestId);
  const components = { ...(current.components ?? {}) };
  const component = components[COMPONENT_NAME];
  if (!component) throw new Error(`the latest deployment ${latestId} to ${context.thingGroupArn} does not include ${COMPONENT_NAME}`);
  components[COMPONENT_NAME] = { ...component, configurationUpdate: { merge: JSON.stringify(configuration) } };
  const created = await context.greengrass.send(
    new CreateDeploymentCommand({
      targetArn: current.targetArn ?? context.thingGroupArn,
      deploymentName: current.deploymentName,
      components,
      ...(current.deploymentPolicies ? { deploymentPolicies: current.deploymentPolicies } : {}),
      ...(current.iotJobConfiguration ? { iotJobConfiguration: current.iotJobConfiguration } : {}),
    }),
  );
  if (!created.deploymentId) throw new Error('CreateDeployment returned no deployment id');
  const jobId = await iotJobOf(context, created.deploymentId);
  const progress = await watchJob(context.iot, jobId, {
    intervalMs: context.pollIntervalMs,
    timeoutMs: context.jobTimeoutMs,
    expectedThings: context.things.length,
    sleep: context.sleep,
  });
  if (progress.timedOut) {
    throw new Error(
      `deployment ${created.deploymentId} (job ${jobId}) did not finish within ${context.jobTimeoutMs} ms: ${JSON.stringify(progress.counts)}`,
    );
  }
  return Promise.all(context.things.map((thingName) => deploymentOutcome(context.iot, jobId, thingName)));
}
