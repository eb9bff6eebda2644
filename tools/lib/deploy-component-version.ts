import {
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GreengrassV2Client,
  ListDeploymentsCommand,
  type ComponentDeploymentSpecification,
  type GetDeploymentCommandOutput,
} from '@aws-sdk/client-greengrassv2';
import { DescribeThingGroupCommand, IoTClient } from '@aws-sdk/client-iot';
import { clientConfig, runAwsCommand, type CliIo } from './cli.js';
import { DEPLOY_USAGE, parseDeployArgs, type DeployOptions } from './deploy-options.js';
import { awaitDeployment, type DeploymentOutcome } from '../../shared/operator/deployment-wait.js';
import { pollUntil } from '../../shared/wait/poll.js';

export interface DeployDeps {
  greengrass?: GreengrassV2Client;
  iot?: IoTClient;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type DeployResult = DeploymentOutcome;

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

interface RetryUntil {
  deadline: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** Greengrass lists a new deployment before GetDeployment can read it; ask again for a while. */
async function readableDeployment(
  greengrass: GreengrassV2Client,
  deploymentId: string,
  wait: RetryUntil,
): Promise<GetDeploymentCommandOutput> {
  const read = async (): Promise<GetDeploymentCommandOutput | { notFound: unknown }> => {
    try {
      return await greengrass.send(new GetDeploymentCommand({ deploymentId }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return { notFound: error };
    }
  };
  const timing = { timeoutMs: Math.max(0, wait.deadline - wait.now()), intervalMs: 1000, sleep: wait.sleep, now: wait.now };
  const { value } = await pollUntil(read, (answer) => !('notFound' in answer), timing);
  if ('notFound' in value) throw value.notFound;
  return value;
}

async function latestDeployment(
  greengrass: GreengrassV2Client,
  targetArn: string,
  thingGroupName: string,
  wait: RetryUntil,
): Promise<GetDeploymentCommandOutput> {
  const list = await greengrass.send(new ListDeploymentsCommand({ targetArn, historyFilter: 'LATEST_ONLY' }));
  const deploymentId = list.deployments?.[0]?.deploymentId;
  if (deploymentId === undefined) {
    throw new Error(
      `No deployment targets thing group ${thingGroupName}: this command updates the group's latest deployment, so create one first`,
    );
  }
  return readableDeployment(greengrass, deploymentId, wait);
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
    const current = await latestDeployment(greengrass, targetArn, thingGroupName, { sleep, now, deadline: now() + options.timeoutMs });
    say(
      current.deploymentName
        ? `Latest deployment: "${current.deploymentName}" (${current.deploymentId})`
        : `Latest deployment: unnamed (${current.deploymentId})`,
    );

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
    say(`Created deployment ${deploymentId} ("${deploymentName}"); waiting up to ${options.timeoutMs / 1000} s for it to finish`);
    return await awaitDeployment(
      { greengrass, iot },
      { deploymentId, iotJobId: created.iotJobId, description: `${componentName} ${version}` },
      { timeoutMs: options.timeoutMs, pollIntervalMs: options.pollIntervalMs, sleep, now },
      io,
    );
  } finally {
    if (!deps.greengrass) greengrass.destroy();
    if (!deps.iot) iot.destroy();
  }
}

/** The command: parses argv, prints help or runs; returns the exit code (2 for a bad command line). */
export function deployMain(argv: string[], io: CliIo, deps: DeployDeps = {}): Promise<number> {
  return runAwsCommand(argv, io, {
    name: 'deploy-component-version',
    usage: DEPLOY_USAGE,
    parse: parseDeployArgs,
    run: async (options) => (await runDeployComponentVersion(options, io, deps)).exitCode,
  });
}
