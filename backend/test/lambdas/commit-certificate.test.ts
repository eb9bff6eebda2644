import { ListThingPrincipalsV2Command } from '@aws-sdk/client-iot';
import { GetThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeJobExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCommitCertificateHandler } from '../../src/handlers/commit-certificate-lambda.js';
import {
  awsError,
  certArn,
  commandOrder,
  createMocks,
  decodeJson,
  fakeTime,
  handlerSettings,
  JOB_DOCUMENT,
  JOB_ID,
  NEW_ID,
  OLD_ID,
  OTHER_ID,
  published,
  REGION,
  resetMocks,
  SHADOW_NAME,
  shadowDocument,
  THING,
  type FakeTime,
  retrySleeps,
  throttledRetries,
} from './support/harness.js';

const mocks = createMocks();
const TOPIC = `awslabs/things/${THING}/certificate/commit`;
const created = { progress: 'created', oldCertificateId: OLD_ID, newCertificateId: NEW_ID };

const request = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  jobId: JOB_ID,
  thingName: THING,
  topic: TOPIC,
  clientId: THING,
  principal: NEW_ID,
  ...overrides,
});

let time: FakeTime;
const handler = () => createCommitCertificateHandler(handlerSettings(time));

const principals = (...ids: string[]) => ({
  thingPrincipalObjects: ids.map((id) => ({ principal: certArn(id), thingPrincipalType: 'EXCLUSIVE_THING' as const })),
});
const rejected = (errorMsg: string) => [{ topic: `${TOPIC}/rejected`, qos: 0, payload: { errorMsg } }];

beforeEach(() => {
  time = fakeTime(10_000);
  resetMocks(mocks);
  mocks.data.on(GetThingShadowCommand).resolves(shadowDocument(created));
  mocks.data.on(UpdateThingShadowCommand).resolves({});
  mocks.iot.on(ListThingPrincipalsV2Command).resolves(principals(OLD_ID, NEW_ID));
  mocks.jobs.on(DescribeJobExecutionCommand).resolves({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } });
});

describe('commit-certificate', () => {
  it('marks the rotation committed and accepts', async () => {
    await handler()(request(), time.context);
    expect(published(mocks)).toEqual([{ topic: `${TOPIC}/accepted`, qos: 0, payload: {} }]);
    const update = mocks.data.commandCalls(UpdateThingShadowCommand)[0]?.args[0].input;
    expect(update?.thingName).toBe(THING);
    expect(update?.shadowName).toBe(SHADOW_NAME);
    expect(decodeJson(update?.payload)).toEqual({ state: { reported: { progress: 'committed' } } });
    expect(mocks.data.commandCalls(GetThingShadowCommand)[0]?.args[0].input).toEqual({ thingName: THING, shadowName: SHADOW_NAME });
    expect(commandOrder(mocks.iot, mocks.jobs, mocks.data).filter((name) => name !== 'DescribeEndpoint')).toEqual([
      'ListThingPrincipalsV2',
      'GetThingShadow',
      'DescribeJobExecution',
      'UpdateThingShadow',
      'Publish',
    ]);
  });

  it('accepts a repeated commit from a core that restarted before it removed its backup', async () => {
    mocks.data.on(GetThingShadowCommand).resolves(shadowDocument({ ...created, progress: 'committed' }));
    await handler()(request(), time.context);
    expect(published(mocks)).toEqual([{ topic: `${TOPIC}/accepted`, qos: 0, payload: {} }]);
  });

  it("accepts with the principals in either order and the client id of the nucleus's second connection", async () => {
    mocks.iot.on(ListThingPrincipalsV2Command).resolves(principals(NEW_ID, OLD_ID));
    await handler()(request({ clientId: `${THING}#2` }), time.context);
    expect(published(mocks)).toEqual([{ topic: `${TOPIC}/accepted`, qos: 0, payload: {} }]);
  });
});

describe('commit-certificate pre-conditions (each failing on its own)', () => {
  const cases: [string, () => Record<string, unknown>][] = [
    [
      'the job execution is not found',
      () => (mocks.jobs.on(DescribeJobExecutionCommand).rejects(awsError('ResourceNotFoundException', 404)), request()),
    ],
    [
      'the job execution is not IN_PROGRESS',
      () => (
        mocks.jobs.on(DescribeJobExecutionCommand).resolves({ execution: { status: 'SUCCEEDED', jobDocument: JOB_DOCUMENT } }),
        request()
      ),
    ],
    [
      'the job document differs',
      () => (mocks.jobs.on(DescribeJobExecutionCommand).resolves({ execution: { status: 'IN_PROGRESS', jobDocument: '{}' } }), request()),
    ],
    ['there is no shadow', () => (mocks.data.on(GetThingShadowCommand).rejects(awsError('ResourceNotFoundException', 404)), request())],
    [
      'the shadow has no reported state',
      () => (mocks.data.on(GetThingShadowCommand).resolves({ payload: new TextEncoder().encode('{"state":{}}') }), request()),
    ],
    [
      'the shadow is not JSON',
      () => (mocks.data.on(GetThingShadowCommand).resolves({ payload: new TextEncoder().encode('nope') }), request()),
    ],
    [
      'the shadow records another progress',
      () => (mocks.data.on(GetThingShadowCommand).resolves(shadowDocument({ ...created, progress: 'started' })), request()),
    ],
    [
      'the shadow is already committed and the connection used the old certificate',
      () => (
        mocks.data.on(GetThingShadowCommand).resolves(shadowDocument({ ...created, progress: 'committed' })),
        request({ principal: OLD_ID })
      ),
    ],
    [
      'the shadow lacks the new id',
      () => (mocks.data.on(GetThingShadowCommand).resolves(shadowDocument({ progress: 'created', oldCertificateId: OLD_ID })), request()),
    ],
    [
      'the shadow lacks the old id',
      () => (mocks.data.on(GetThingShadowCommand).resolves(shadowDocument({ progress: 'created', newCertificateId: NEW_ID })), request()),
    ],
    ['the thing has one principal', () => (mocks.iot.on(ListThingPrincipalsV2Command).resolves(principals(NEW_ID)), request())],
    [
      'the thing has three principals',
      () => (mocks.iot.on(ListThingPrincipalsV2Command).resolves(principals(OLD_ID, NEW_ID, OTHER_ID)), request()),
    ],
    [
      'a principal is not a certificate',
      () => (
        mocks.iot
          .on(ListThingPrincipalsV2Command)
          .resolves({ thingPrincipalObjects: [{ principal: certArn(NEW_ID) }, { principal: `${REGION}:cognito-id` }] }),
        request()
      ),
    ],
    ['the connection used the old certificate', () => request({ principal: OLD_ID })],
  ];

  it.each(cases)('rejects when %s', async (_name, arrange) => {
    await handler()(arrange(), time.context);
    expect(published(mocks)).toEqual(rejected('Pre-conditions not met'));
    expect(mocks.data.commandCalls(UpdateThingShadowCommand)).toHaveLength(0);
  });
});

describe('commit-certificate under throttling', () => {
  it('retries and commits', async () => {
    mocks.jobs
      .on(DescribeJobExecutionCommand)
      .rejectsOnce(awsError('ThrottlingException'))
      .resolves({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } });
    mocks.data.on(UpdateThingShadowCommand).rejectsOnce(awsError('ThrottlingException', 429)).resolves({});
    await handler()(request(), time.context);
    expect(published(mocks)).toEqual([{ topic: `${TOPIC}/accepted`, qos: 0, payload: {} }]);
    expect(time.sleeps).toEqual(retrySleeps(...throttledRetries(2)));
  });

  it('rejects naming throttling when the budget runs out', async () => {
    mocks.data.on(GetThingShadowCommand).rejects(awsError('ThrottlingException'));
    await handler()(request(), time.context);
    const replies = published(mocks);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.topic).toBe(`${TOPIC}/rejected`);
    expect((replies[0]?.payload as { errorMsg: string }).errorMsg).toMatch(/^AWS throttling: GetThingShadow was still throttled/);
    expect(mocks.data.commandCalls(UpdateThingShadowCommand)).toHaveLength(0);
  });
});

describe('commit-certificate from a connection that is not the thing', () => {
  it.each([
    ['a client id that is not the thing name', request({ clientId: 'someone-else' })],
    ['a client id that only starts with the thing name', request({ clientId: `${THING}-gg` })],
    ['a client id with a suffix the nucleus never uses', request({ clientId: `${THING}#1` })],
    ['a certificate not attached to the thing', request({ principal: OTHER_ID })],
    ['a principal that is not a certificate id', request({ principal: 42 })],
    ['the topic of another request', request({ topic: `awslabs/things/${THING}/certificate/create` })],
  ])('drops %s: no reply, nothing written, a security event', async (_name, event) => {
    const events: unknown[] = [];
    await createCommitCertificateHandler({ ...handlerSettings(time), onSecurityEvent: (e) => events.push(e) })(event, time.context);
    expect(published(mocks)).toEqual([]);
    expect(mocks.data.commandCalls(UpdateThingShadowCommand)).toHaveLength(0);
    expect(mocks.data.commandCalls(GetThingShadowCommand)).toHaveLength(0);
    expect(events).toEqual([expect.objectContaining({ kind: 'RequestFromAnotherConnection', request: 'commit' })]);
  });
});

describe('commit-certificate event validation', () => {
  it.each([['jobId', request({ jobId: undefined })]])(
    'rejects a bad %s, naming it, after checking only the sender',
    async (field, event) => {
      await handler()(event, time.context);
      const replies = published(mocks);
      expect(replies).toHaveLength(1);
      expect(replies[0]?.topic).toBe(`${TOPIC}/rejected`);
      expect((replies[0]?.payload as { errorMsg: string }).errorMsg).toMatch(new RegExp(`^Invalid request: .*\\b${field}: `));
      expect(commandOrder(mocks.iot, mocks.jobs, mocks.data)).toEqual(['ListThingPrincipalsV2', 'DescribeEndpoint', 'Publish']);
    },
  );

  it('drops an event without a thing name', async () => {
    await handler()({ jobId: JOB_ID }, time.context);
    expect(commandOrder(mocks.iot, mocks.jobs, mocks.data)).toEqual([]);
  });
});
