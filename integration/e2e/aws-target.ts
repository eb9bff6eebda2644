import { ACMPCAClient, DescribeCertificateAuthorityCommand } from '@aws-sdk/client-acm-pca';
import { GreengrassV2Client } from '@aws-sdk/client-greengrassv2';
import { DescribeEndpointCommand, DescribeThingGroupCommand, IoTClient, ListThingsInThingGroupCommand } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { PCA_SIGNING_ALGORITHMS, type PcaSigningAlgorithm } from '../../backend/src/index.js';
import type { AwsTargetConfig } from './aws-config.js';
import { deployConfiguration } from './aws-deployment.js';
import type { RotationTarget } from './target.js';
import { backendResourceNames } from '../../shared/contract/index.js';
import { pollUntil } from '../../shared/wait/poll.js';

/** Names the backend's CDK app gives its job template and create-certificate function. */
export const JOB_TEMPLATE_ID = backendResourceNames().jobTemplate;
export const CREATE_FUNCTION_NAME = backendResourceNames().functions.createCertificate;

export const CLEANUP_TIMEOUT_MS = 120_000;
export const POLL_INTERVAL_MS = 5_000;
/** How often to look whether a Lambda configuration update has finished (the original looks every 0.1 s). */
const FUNCTION_UPDATE_POLL_MS = 500;
/** Lambda applies a configuration update in seconds; this much means it is stuck. */
const FUNCTION_UPDATE_TIMEOUT_MS = 300_000;

export interface AwsTargetOptions {
  /** Waits between polls; tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The Private CA signing algorithms that a CA whose key is `keyAlgorithm` (RSA_2048, EC_prime256v1, ...) can sign with. */
export function signingAlgorithmsForCaKey(keyAlgorithm: string): PcaSigningAlgorithm[] {
  const family = keyAlgorithm.split('_')[0];
  const suffix = family === 'RSA' ? 'WITHRSA' : family === 'EC' ? 'WITHECDSA' : undefined;
  return suffix ? PCA_SIGNING_ALGORITHMS.filter((a) => a.endsWith(suffix)) : [];
}

/** arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<id>, as the original builds it. */
export function privateCaArn(callerArn: string, region: string, account: string, caId: string): string {
  const partition = callerArn.split(':')[1] || 'aws';
  return `arn:${partition}:acm-pca:${region}:${account}:certificate-authority/${caId}`;
}

interface FunctionControl {
  lambda: LambdaClient;
  sleep: (ms: number) => Promise<void>;
}

/** Waits while a function configuration update is under way; fails if the update failed or outlasts its time. */
async function awaitFunctionUpdate({ lambda, sleep }: FunctionControl): Promise<Record<string, string>> {
  const read = () => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: CREATE_FUNCTION_NAME }));
  const timing = { timeoutMs: FUNCTION_UPDATE_TIMEOUT_MS, intervalMs: FUNCTION_UPDATE_POLL_MS, sleep };
  const { value: configuration, done } = await pollUntil(read, (c) => c.LastUpdateStatus !== 'InProgress', timing);
  if (!done) throw new Error(`${CREATE_FUNCTION_NAME} configuration update still in progress after ${FUNCTION_UPDATE_TIMEOUT_MS / 1000} s`);
  if (configuration.LastUpdateStatus === 'Failed') {
    throw new Error(`${CREATE_FUNCTION_NAME} configuration update failed: ${configuration.LastUpdateStatusReason ?? 'no reason given'}`);
  }
  return configuration.Environment?.Variables ?? {};
}

/** Sets environment variables of the create-certificate function, keeping the others, and waits until they apply. */
export async function updateCreateFunctionEnvironment(control: FunctionControl, changes: Record<string, string>): Promise<void> {
  // A function still applying an earlier update refuses a new one (ResourceConflictException).
  const variables = await awaitFunctionUpdate(control);
  await control.lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: CREATE_FUNCTION_NAME,
      Environment: { Variables: { ...variables, ...changes } },
    }),
  );
  await awaitFunctionUpdate(control);
}

async function listThings(iot: IoTClient, thingGroupName: string): Promise<string[]> {
  const things: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await iot.send(new ListThingsInThingGroupCommand({ thingGroupName, maxResults: 250, nextToken }));
    things.push(...(page.things ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return things;
}

/**
 * A real account as the suites' target: the backend the CDK app deployed and the Greengrass cores
 * in one thing group. The cores cannot be seen inside from here, so the checks that need that
 * (installed certificate, reconnection, SNS messages) are left out.
 */
export async function createAwsTarget(config: AwsTargetConfig, options: AwsTargetOptions = {}): Promise<RotationTarget> {
  const sleep = options.sleep ?? defaultSleep;
  const clientConfig = { region: config.region };
  const iot = new IoTClient(clientConfig);
  const sts = new STSClient(clientConfig);
  const greengrass = new GreengrassV2Client(clientConfig);
  const lambda = new LambdaClient(clientConfig);
  const pca = new ACMPCAClient(clientConfig);
  const clients: Array<{ destroy(): void }> = [iot, sts, greengrass, lambda, pca];
  try {
    const endpoint = await iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
    if (!endpoint.endpointAddress) throw new Error('DescribeEndpoint returned no iot:Data-ATS address');
    const iotData = new IoTDataPlaneClient({ ...clientConfig, endpoint: `https://${endpoint.endpointAddress}` });
    clients.push(iotData);
    const group = await iot.send(new DescribeThingGroupCommand({ thingGroupName: config.thingGroupName }));
    if (!group.thingGroupArn) throw new Error(`DescribeThingGroup returned no ARN for ${config.thingGroupName}`);
    const thingGroupArn = group.thingGroupArn;
    let caArn: string | undefined;
    if (config.pcaCaId) {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      caArn = privateCaArn(identity.Arn ?? '', config.region, identity.Account ?? '', config.pcaCaId);
    }
    const jobTimeoutMs = config.jobTimeoutMinutes * 60_000;
    const things = (): Promise<string[]> => listThings(iot, config.thingGroupName);
    const control = { lambda, sleep };
    return {
      name: `aws (${config.region}, ${config.thingGroupName})`,
      iot,
      iotData,
      thingGroupName: config.thingGroupName,
      jobTemplateId: JOB_TEMPLATE_ID,
      jobTimeoutMs,
      cleanupTimeoutMs: CLEANUP_TIMEOUT_MS,
      pollIntervalMs: POLL_INTERVAL_MS,
      things,
      deployConfiguration: async (configuration) =>
        deployConfiguration(
          { greengrass, iot, thingGroupArn, things: await things(), pollIntervalMs: POLL_INTERVAL_MS, jobTimeoutMs, sleep },
          configuration,
        ),
      useIssuer: async (issuer) => {
        if (issuer.kind === 'iot') return updateCreateFunctionEnvironment(control, { PCA_CA_ARN: '' });
        if (!caArn) throw new Error('PCA_CA_ID is not set: this target has no Private CA to issue with');
        return updateCreateFunctionEnvironment(control, { PCA_CA_ARN: caArn, PCA_SIGNING_ALGORITHM: issuer.signingAlgorithm });
      },
      pcaSigningAlgorithms: async () => {
        if (!caArn) return [];
        const described = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: caArn }));
        return signingAlgorithmsForCaKey(described.CertificateAuthority?.CertificateAuthorityConfiguration?.KeyAlgorithm ?? '');
      },
      close: async () => {
        for (const client of clients) client.destroy();
      },
    };
  } catch (error) {
    for (const client of clients) client.destroy();
    throw error;
  }
}
