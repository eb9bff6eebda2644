import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { GreengrassV2Client } from '@aws-sdk/client-greengrassv2';
import { DescribeEndpointCommand, DescribeThingGroupCommand, IoTClient, ListThingsInThingGroupCommand } from '@aws-sdk/client-iot';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsTargetConfig } from './aws-config.js';

/**
 * The slice of aws-sdk-client-mock's stub the AWS target's unit tests use. (The mock library
 * compiles against an older @smithy/types than the clients, so its generics reject today's command
 * classes although they work at run time.)
 */
export interface Stub {
  on<I extends object>(command: new (input: I) => unknown, input?: Partial<I>): Behaviour;
  commandCalls<I extends object>(command: new (input: I) => unknown): { args: [{ input: I }] }[];
  reset(): void;
}

export interface Behaviour {
  resolves(output: unknown): Behaviour;
  resolvesOnce(output: unknown): Behaviour;
  rejects(error: unknown): Behaviour;
  rejectsOnce(error: unknown): Behaviour;
}

const stubOf = (client: unknown): Stub => mockClient(client as never) as unknown as Stub;

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const GROUP = 'RotatorTestCores';
export const GROUP_ARN = `arn:aws:iot:${REGION}:${ACCOUNT}:thinggroup/${GROUP}`;
export const CA_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
export const CA_ARN = `arn:aws:acm-pca:${REGION}:${ACCOUNT}:certificate-authority/${CA_ID}`;
export const CONFIG: AwsTargetConfig = { configured: true, region: REGION, thingGroupName: GROUP, pcaCaId: CA_ID, jobTimeoutMinutes: 15 };
export const THINGS = ['core-a', 'core-b'];
export const DATA_ENDPOINT = 'abc-ats.iot.eu-west-1.amazonaws.com';

/** An AWS SDK v3 style service error. */
export function awsError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} from the service`), { name, $metadata: { httpStatusCode }, $fault: 'client' });
}

/** Stubs of every client the AWS target makes, and a sleep that records its waits and returns at once. */
export interface StubbedAccount {
  iot: Stub;
  greengrass: Stub;
  lambda: Stub;
  pca: Stub;
  sts: Stub;
  sleeps: number[];
  sleep: (ms: number) => Promise<void>;
  /** Forgets every answer and call, then answers as an account with the test thing group does. */
  reset(): void;
}

export function stubAccount(): StubbedAccount {
  const sleeps: number[] = [];
  const account = {
    iot: stubOf(IoTClient),
    greengrass: stubOf(GreengrassV2Client),
    lambda: stubOf(LambdaClient),
    pca: stubOf(ACMPCAClient),
    sts: stubOf(STSClient),
    sleeps,
    sleep: async (ms: number): Promise<void> => {
      sleeps.push(ms);
    },
    reset: (): void => {
      for (const stub of [account.iot, account.greengrass, account.lambda, account.pca, account.sts]) stub.reset();
      sleeps.length = 0;
      account.iot.on(DescribeEndpointCommand, { endpointType: 'iot:Data-ATS' }).resolves({ endpointAddress: DATA_ENDPOINT });
      account.iot.on(DescribeThingGroupCommand, { thingGroupName: GROUP }).resolves({ thingGroupName: GROUP, thingGroupArn: GROUP_ARN });
      account.iot.on(ListThingsInThingGroupCommand).resolves({ things: THINGS });
      account.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ci/session` });
    },
  };
  return account;
}
