import { Logger } from '@aws-lambda-powertools/logger';
import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { DescribeEndpointCommand, IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { IoTJobsDataPlaneClient } from '@aws-sdk/client-iot-jobs-data-plane';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { HandlerSettings, TimingSettings } from '../../../src/rotation/handler-settings.js';
import type { InvocationContext } from '../../../src/runtime/time-budget.js';
import { DEFAULT_BACKOFF, delayCeiling, type BackoffTuning } from '../../../src/runtime/retry.js';
import { backendResourceNames, JOB_DOCUMENT, SHADOW_NAME } from '../../../../shared/contract/index.js';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const THING = 'core-1';
export const JOB_ID = 'rotation-1';
export { JOB_DOCUMENT, SHADOW_NAME };
export const OLD_ID = 'a'.repeat(64);
export const NEW_ID = 'b'.repeat(64);
export const OTHER_ID = 'c'.repeat(64);
export { CA_PEM, CSR, NEW_PEM, OLD_PEM } from './rotation-credentials.js';
export const SNS_TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:${backendResourceNames().notificationTopic}`;

export const certArn = (id: string): string => `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${id}`;

/**
 * The slice of aws-sdk-client-mock's stub the tests use, typed by each command's own input. (The
 * mock library compiles against an older @smithy/types than the clients, so its own generics
 * reject today's command classes although they work at run time.)
 */
export interface StubBehaviour {
  resolves(output: unknown): StubBehaviour;
  resolvesOnce(output: unknown): StubBehaviour;
  rejects(error: unknown): StubBehaviour;
  rejectsOnce(error: unknown): StubBehaviour;
  callsFake(fake: (input: never) => unknown): StubBehaviour;
}

export interface Stub {
  on<I extends object>(command: new (input: I) => unknown, input?: Partial<I>): StubBehaviour;
  commandCalls<I extends object>(command: new (input: I) => unknown): { args: [{ input: I }] }[];
  calls(): { args: unknown[]; callId: number }[];
  reset(): void;
}

export interface Mocks {
  iot: Stub;
  data: Stub;
  jobs: Stub;
  pca: Stub;
  sns: Stub;
}

const stubOf = (client: unknown): Stub => mockClient(client as never) as unknown as Stub;

export function createMocks(): Mocks {
  return {
    iot: stubOf(IoTClient),
    data: stubOf(IoTDataPlaneClient),
    jobs: stubOf(IoTJobsDataPlaneClient),
    pca: stubOf(ACMPCAClient),
    sns: stubOf(SNSClient),
  };
}

/** Resets every stub and answers DescribeEndpoint as AWS IoT does. */
export function resetMocks(mocks: Mocks): void {
  for (const stub of Object.values(mocks)) stub.reset();
  mocks.iot.on(DescribeEndpointCommand, { endpointType: 'iot:Data-ATS' }).resolves({ endpointAddress: 'data.iot.example' });
  mocks.iot.on(DescribeEndpointCommand, { endpointType: 'iot:Jobs' }).resolves({ endpointAddress: 'jobs.iot.example' });
  mocks.data.on(PublishCommand).resolves({});
}

/** An AWS SDK v3 style service error. */
export function awsError(name: string, httpStatusCode = 400, message = `${name} from the service`): Error {
  const error = new Error(message);
  error.name = name;
  Object.assign(error, { $metadata: { httpStatusCode }, $fault: httpStatusCode >= 500 ? 'server' : 'client' });
  return error;
}

/**
 * A Lambda context whose clock only moves when the handler sleeps, so time-budget behaviour is
 * deterministic. Jitter is fixed at the middle of its range.
 */
export interface FakeTime {
  context: InvocationContext;
  timing: Partial<TimingSettings>;
  sleeps: number[];
}

export function fakeTime(remainingMs: number): FakeTime {
  const sleeps: number[] = [];
  let elapsed = 0;
  return {
    context: { getRemainingTimeInMillis: () => remainingMs - elapsed, awsRequestId: 'request-1' },
    timing: {
      sleep: (ms) => {
        sleeps.push(ms);
        elapsed += ms;
        return Promise.resolve();
      },
      random: () => 0.5,
      now: () => elapsed,
    },
    sleeps,
  };
}

/**
 * The sleeps a handler on `fakeTime` makes for retries with these tunings, one after another: the
 * request's age is all it slept before, and the jitter sits at the middle of its range.
 */
export function retrySleeps(...tunings: BackoffTuning[]): number[] {
  let age = 0;
  return tunings.map((tuning) => {
    const sleep = 0.75 * delayCeiling(age, tuning);
    age += sleep;
    return sleep;
  });
}

export const throttledRetries = (count: number): BackoffTuning[] => Array.from({ length: count }, () => DEFAULT_BACKOFF);

export const silentLogger = (): Logger => new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/** What every rotation handler is built with in these tests: silent, on the given fake time. */
export function handlerSettings(time: FakeTime): HandlerSettings {
  return {
    clientConfig: { region: REGION },
    jobDocument: JOB_DOCUMENT,
    shadowName: SHADOW_NAME,
    logger: silentLogger(),
    timing: time.timing,
  };
}

export interface Published {
  topic: string | undefined;
  qos: number | undefined;
  payload: unknown;
}

export function published(mocks: Mocks): Published[] {
  return mocks.data.commandCalls(PublishCommand).map((call) => {
    const input = call.args[0].input;
    return {
      topic: input.topic,
      qos: input.qos,
      payload: JSON.parse(new TextDecoder().decode(input.payload as Uint8Array)) as unknown,
    };
  });
}

export function decodeJson(bytes: unknown): unknown {
  return JSON.parse(new TextDecoder().decode(bytes as Uint8Array)) as unknown;
}

export function shadowDocument(reported: Record<string, unknown>): { payload: Uint8Array } {
  return { payload: new TextEncoder().encode(JSON.stringify({ state: { reported }, metadata: {}, version: 3 })) };
}

/** Names of the commands sent to the given stubs, in the order they were sent. */
export function commandOrder(...stubs: Stub[]): string[] {
  return stubs
    .flatMap((stub) => stub.calls())
    .sort((a, b) => a.callId - b.callId)
    .map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''));
}
