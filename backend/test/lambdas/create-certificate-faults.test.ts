import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  DescribeEndpointCommand,
  ListThingPrincipalsV2Command,
} from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeJobExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  arrangeCreate,
  createHandler,
  expectNewCertificateRemoved,
  expectNothingIssued,
  rejected,
  request,
  TOPIC,
} from './support/create-fixture.js';
import {
  awsError,
  certArn,
  commandOrder,
  createMocks,
  JOB_DOCUMENT,
  NEW_ID,
  NEW_PEM,
  OLD_ID,
  published,
  SHADOW_NAME,
  THING,
  type FakeTime,
  retrySleeps,
  throttledRetries,
} from './support/harness.js';
import { DELETE_CONFLICT_DELAYS } from '../../src/aws/certificate-retirement.js';

const mocks = createMocks();
let time: FakeTime;

beforeEach(() => {
  time = arrangeCreate(mocks);
});

describe('create-certificate under throttling', () => {
  it('retries throttled calls and succeeds', async () => {
    mocks.iot
      .on(ListThingPrincipalsV2Command)
      .rejectsOnce(awsError('ThrottlingException'))
      .rejectsOnce(awsError('TooManyRequestsException', 429))
      .resolves({ thingPrincipalObjects: [{ principal: certArn(OLD_ID), thingPrincipalType: 'EXCLUSIVE_THING' }] });
    mocks.iot
      .on(CreateCertificateFromCsrCommand)
      .rejectsOnce(awsError('ThrottlingException'))
      .resolves({ certificateId: NEW_ID, certificateArn: certArn(NEW_ID), certificatePem: NEW_PEM });
    await createHandler(time)(request(), time.context);
    expect(published(mocks)).toEqual([{ topic: `${TOPIC}/accepted`, qos: 0, payload: { certificatePem: NEW_PEM } }]);
    expect(time.sleeps).toEqual(retrySleeps(...throttledRetries(3)));
    expect(mocks.iot.commandCalls(CreateCertificateFromCsrCommand)).toHaveLength(2);
  });

  it('drops the request, unanswered, when who sent it cannot be checked before the budget runs out', async () => {
    mocks.iot.on(ListThingPrincipalsV2Command).rejects(awsError('ThrottlingException'));
    await createHandler(time)(request(), time.context);
    expect(published(mocks)).toEqual([]);
    expectNothingIssued(mocks);
  });

  it('rejects naming throttling when the checks before issuing stay throttled, while the device still waits', async () => {
    mocks.iot.on(DescribeCertificateCommand).rejects(awsError('ThrottlingException'));
    await createHandler(time)(request(), time.context);
    const replies = published(mocks);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.topic).toBe(`${TOPIC}/rejected`);
    expect((replies[0]?.payload as { errorMsg: string }).errorMsg).toMatch(
      /^AWS throttling: DescribeCertificate was still throttled \(ThrottlingException\) after \d+ attempts when the time budget ran out$/,
    );
    expectNothingIssued(mocks);
    // The component gives up after 30 s; the answer comes before that.
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(25_000);
  });

  it('names throttling of the issuer in the issuer rejection', async () => {
    mocks.iot.on(CreateCertificateFromCsrCommand).rejects(awsError('ThrottlingException'));
    await createHandler(time)(request(), time.context);
    expect((published(mocks)[0]?.payload as { errorMsg: string }).errorMsg).toMatch(
      /^Failed to create certificate from CSR: AWS throttling: CreateCertificateFromCsr was still throttled/,
    );
  });

  it('removes the issued certificate when attaching stays throttled', async () => {
    mocks.iot.on(AttachThingPrincipalCommand).rejects(awsError('ThrottlingException'));
    await createHandler(time)(request(), time.context);
    expect((published(mocks)[0]?.payload as { errorMsg: string }).errorMsg).toMatch(
      /^AWS throttling: AttachThingPrincipal was still throttled/,
    );
    expect(published(mocks)[0]?.topic).toBe(`${TOPIC}/rejected`);
    expectNewCertificateRemoved(mocks, { detached: true });
    // Only the claim was written, and it stays: this job execution has had its certificate.
    expect(mocks.data.commandCalls(UpdateThingShadowCommand)).toHaveLength(1);
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(0);
  });

  it('retries DescribeEndpoint when it is throttled', async () => {
    mocks.iot
      .on(DescribeEndpointCommand, { endpointType: 'iot:Jobs' })
      .rejectsOnce(awsError('ThrottlingException'))
      .resolves({ endpointAddress: 'jobs.iot.example' });
    await createHandler(time)(request(), time.context);
    expect(published(mocks)[0]?.topic).toBe(`${TOPIC}/accepted`);
  });
});

describe('create-certificate when the device gives up during issuance (race)', () => {
  it('removes a certificate issued after the job execution ended, without attaching it', async () => {
    mocks.jobs
      .on(DescribeJobExecutionCommand)
      .resolvesOnce({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } })
      .resolves({ execution: { status: 'FAILED', jobDocument: JOB_DOCUMENT } });
    await createHandler(time)(request(), time.context);

    expect(mocks.iot.commandCalls(AttachPolicyCommand)).toHaveLength(0);
    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(0);
    expect(mocks.data.commandCalls(UpdateThingShadowCommand)).toHaveLength(1);
    expectNewCertificateRemoved(mocks, { detached: false });
    expect(commandOrder(mocks.iot, mocks.data).slice(-3)).toEqual(['UpdateCertificate', 'DeleteCertificate', 'Publish']);
    expect(published(mocks)).toEqual(rejected('Pre-conditions not met'));
  });

  it('undoes the attachment when the job execution ended while attaching', async () => {
    mocks.jobs
      .on(DescribeJobExecutionCommand)
      .resolvesOnce({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } })
      .resolvesOnce({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } })
      .resolves({ execution: { status: 'FAILED', jobDocument: JOB_DOCUMENT } });
    await createHandler(time)(request(), time.context);

    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(1);
    expectNewCertificateRemoved(mocks, { detached: true });
    expect(mocks.data.commandCalls(DeleteThingShadowCommand).map((c) => c.args[0].input)).toEqual([
      { thingName: THING, shadowName: SHADOW_NAME },
    ]);
    expect(commandOrder(mocks.iot, mocks.data).slice(-8)).toEqual([
      'UpdateCertificate',
      'DetachThingPrincipal',
      'ListPrincipalPolicies',
      'DetachPolicy',
      'DetachPolicy',
      'DeleteCertificate',
      'DeleteThingShadow',
      'Publish',
    ]);
    expect(published(mocks)).toEqual(rejected('Pre-conditions not met'));
  });

  it('retries the delete of the removed certificate while detaching propagates', async () => {
    mocks.jobs
      .on(DescribeJobExecutionCommand)
      .resolvesOnce({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } })
      .resolvesOnce({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } })
      .resolves({ execution: { status: 'TIMED_OUT', jobDocument: JOB_DOCUMENT } });
    mocks.iot.on(DeleteCertificateCommand).rejectsOnce(awsError('DeleteConflictException', 409)).resolves({});
    await createHandler(time)(request(), time.context);
    expect(mocks.iot.commandCalls(DeleteCertificateCommand)).toHaveLength(2);
    expect(time.sleeps).toEqual(retrySleeps(DELETE_CONFLICT_DELAYS));
  });
});

describe('create-certificate event validation', () => {
  it.each([
    ['csr', request({ csr: undefined })],
    ['csr', request({ csr: 'not a csr' })],
    ['jobId', request({ jobId: 'bad job id!' })],
  ])('rejects a bad %s on the reply topic, naming it, after checking only the sender', async (field, event) => {
    await createHandler(time)(event, time.context);
    const replies = published(mocks);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.topic).toBe(`${TOPIC}/rejected`);
    expect((replies[0]?.payload as { errorMsg: string }).errorMsg).toMatch(new RegExp(`^Invalid request: .*\\b${field}: `));
    expect(commandOrder(mocks.iot, mocks.jobs, mocks.data, mocks.pca)).toEqual(['ListThingPrincipalsV2', 'DescribeEndpoint', 'Publish']);
  });

  it.each([
    ['no thing name', request({ thingName: undefined })],
    ['a bad thing name', request({ thingName: 'a/b' })],
    ['no object', null],
    ['a principal that is not a certificate id', request({ principal: 'ABC' })],
    ['an empty client id', request({ clientId: '' })],
    ["another thing's topic", request({ topic: 'awslabs/things/other/certificate/create' })],
  ])('drops an event with %s without any AWS call', async (_name, event) => {
    await createHandler(time)(event, time.context);
    expect(commandOrder(mocks.iot, mocks.jobs, mocks.data, mocks.pca)).toEqual([]);
  });
});

describe('create-certificate settings', () => {
  it('refuses settings without a shadow name, naming the field', () => {
    expect(() => createHandler(time, { shadowName: '' })).toThrow(/shadowName/);
  });
});

describe('create-certificate under a flood of invalid requests from the thing itself', () => {
  it('answers a few a second and drops the rest unanswered, checking the sender once', async () => {
    const handler = createHandler(time);
    for (let i = 0; i < 20; i += 1) await handler(request({ jobId: 'bad job id!' }), time.context);
    expect(published(mocks)).toHaveLength(5);
    expect(mocks.iot.commandCalls(ListThingPrincipalsV2Command)).toHaveLength(1);
  });
});
