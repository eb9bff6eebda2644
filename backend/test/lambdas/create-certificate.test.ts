import { GetCertificateCommand, IssueCertificateCommand } from '@aws-sdk/client-acm-pca';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  DeleteCertificateCommand,
  DescribeEndpointCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  ListPrincipalPoliciesCommand,
  ListThingPrincipalsV2Command,
  RegisterCertificateWithoutCACommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeJobExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { Logger } from '@aws-lambda-powertools/logger';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createCreateCertificateHandler, type CreateCertificateSettings } from '../../src/handlers/create-certificate.js';
import {
  awsError,
  certArn,
  commandOrder,
  createMocks,
  CSR,
  decodeJson,
  fakeTime,
  JOB_DOCUMENT,
  JOB_ID,
  NEW_ID,
  NEW_PEM,
  OLD_ID,
  OTHER_ID,
  published,
  REGION,
  resetMocks,
  SHADOW_NAME,
  silentLogger,
  THING,
  type FakeTime,
} from './support/harness.js';

const mocks = createMocks();
const TOPIC = `awslabs/things/${THING}/certificate/create`;
const PCA_ARN = `arn:aws:acm-pca:${REGION}:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555`;
const PCA_CERT_ARN = `${PCA_ARN}/certificate/abcdef`;
const POLICIES = ['GreengrassV2IoTThingPolicy', 'GreengrassTESCertificatePolicy'];

const request = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  jobId: JOB_ID,
  csr: CSR,
  thingName: THING,
  topic: TOPIC,
  clientId: THING,
  principal: OLD_ID,
  ...overrides,
});

let time: FakeTime;

function handler(extra: Partial<CreateCertificateSettings> = {}) {
  return createCreateCertificateHandler({
    clientConfig: { region: REGION },
    jobDocument: JOB_DOCUMENT,
    shadowName: SHADOW_NAME,
    logger: silentLogger(),
    timing: time.timing,
    ...extra,
  });
}

const pcaSettings = { pca: { caArn: PCA_ARN, validityInDays: 7, signingAlgorithm: 'SHA256WITHRSA' as const } };
const rejected = (errorMsg: string) => [{ topic: `${TOPIC}/rejected`, qos: 0, payload: { errorMsg } }];

beforeEach(() => {
  time = fakeTime(60_000);
  resetMocks(mocks);
  mocks.iot.on(ListThingPrincipalsV2Command).resolves({
    thingPrincipalObjects: [{ principal: certArn(OLD_ID), thingPrincipalType: 'EXCLUSIVE_THING' }],
  });
  mocks.jobs.on(DescribeJobExecutionCommand).resolves({
    execution: { jobId: JOB_ID, thingName: THING, status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT },
  });
  mocks.iot.on(CreateCertificateFromCsrCommand).resolves({ certificateId: NEW_ID, certificateArn: certArn(NEW_ID), certificatePem: NEW_PEM });
  mocks.iot.on(ListPrincipalPoliciesCommand).resolves({ policies: POLICIES.map((policyName) => ({ policyName })) });
  mocks.iot.on(AttachPolicyCommand).resolves({});
  mocks.iot.on(AttachThingPrincipalCommand).resolves({});
  mocks.iot.on(UpdateCertificateCommand).resolves({});
  mocks.iot.on(DetachThingPrincipalCommand).resolves({});
  mocks.iot.on(DetachPolicyCommand).resolves({});
  mocks.iot.on(DeleteCertificateCommand).resolves({});
  mocks.data.on(UpdateThingShadowCommand).resolves({});
  mocks.data.on(DeleteThingShadowCommand).resolves({});
});

function expectNothingIssued(): void {
  expect(mocks.iot.commandCalls(CreateCertificateFromCsrCommand)).toHaveLength(0);
  expect(mocks.pca.commandCalls(IssueCertificateCommand)).toHaveLength(0);
  expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(0);
  expect(mocks.data.commandCalls(UpdateThingShadowCommand)).toHaveLength(0);
}

function expectNewCertificateRemoved(options: { detached: boolean }): void {
  expect(mocks.iot.commandCalls(UpdateCertificateCommand).map((c) => c.args[0].input)).toEqual([
    { certificateId: NEW_ID, newStatus: 'INACTIVE' },
  ]);
  expect(mocks.iot.commandCalls(DeleteCertificateCommand).map((c) => c.args[0].input)).toEqual([{ certificateId: NEW_ID }]);
  expect(mocks.iot.commandCalls(DetachThingPrincipalCommand).map((c) => c.args[0].input)).toEqual(
    options.detached ? [{ thingName: THING, principal: certArn(NEW_ID) }] : [],
  );
  expect(mocks.iot.commandCalls(DetachPolicyCommand).map((c) => c.args[0].input)).toEqual(
    options.detached ? POLICIES.map((policyName) => ({ policyName, target: certArn(NEW_ID) })) : [],
  );
}

describe('create-certificate with AWS IoT Core issuing', () => {
  it('issues, copies the policies, attaches, records progress and replies with the PEM', async () => {
    await handler()(request(), time.context);

    expect(published(mocks)).toEqual([{ topic: `${TOPIC}/accepted`, qos: 0, payload: { certificatePem: NEW_PEM } }]);
    expect(mocks.iot.commandCalls(ListThingPrincipalsV2Command)[0]?.args[0].input).toEqual({
      thingName: THING,
      thingPrincipalType: 'EXCLUSIVE_THING',
    });
    expect(mocks.jobs.commandCalls(DescribeJobExecutionCommand)[0]?.args[0].input).toEqual({
      jobId: JOB_ID,
      thingName: THING,
      includeJobDocument: true,
    });
    expect(mocks.iot.commandCalls(CreateCertificateFromCsrCommand)[0]?.args[0].input).toEqual({
      certificateSigningRequest: CSR,
      setAsActive: true,
    });
    expect(mocks.iot.commandCalls(ListPrincipalPoliciesCommand)[0]?.args[0].input).toEqual({ principal: certArn(OLD_ID) });
    expect(mocks.iot.commandCalls(AttachPolicyCommand).map((c) => c.args[0].input)).toEqual(
      POLICIES.map((policyName) => ({ policyName, target: certArn(NEW_ID) })),
    );
    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)[0]?.args[0].input).toEqual({
      thingName: THING,
      principal: certArn(NEW_ID),
      thingPrincipalType: 'EXCLUSIVE_THING',
    });
    const shadow = mocks.data.commandCalls(UpdateThingShadowCommand)[0]?.args[0].input;
    expect(shadow?.thingName).toBe(THING);
    expect(shadow?.shadowName).toBe(SHADOW_NAME);
    expect(decodeJson(shadow?.payload)).toEqual({
      state: { reported: { progress: 'created', oldCertificateId: OLD_ID, newCertificateId: NEW_ID } },
    });
    expect(commandOrder(mocks.iot, mocks.jobs, mocks.data)).toEqual([
      'ListThingPrincipalsV2',
      'DescribeEndpoint',
      'DescribeJobExecution',
      'CreateCertificateFromCsr',
      'DescribeJobExecution',
      'ListPrincipalPolicies',
      'AttachPolicy',
      'AttachPolicy',
      'AttachThingPrincipal',
      'DescribeEndpoint',
      'UpdateThingShadow',
      'DescribeJobExecution',
      'Publish',
    ]);
  });

  it('accepts a Greengrass client id that extends the thing name', async () => {
    await handler()(request({ clientId: `${THING}#2` }), time.context);
    expect(published(mocks)[0]?.topic).toBe(`${TOPIC}/accepted`);
  });

  it('looks the data-plane endpoints up once per handler instance', async () => {
    const create = handler();
    await create(request(), time.context);
    await create(request(), time.context);
    expect(mocks.iot.commandCalls(DescribeEndpointCommand).map((c) => (c.args[0].input as { endpointType?: string }).endpointType)).toEqual(['iot:Jobs', 'iot:Data-ATS']);
  });

  it('runs without a Lambda context on a default budget', async () => {
    await handler()(request());
    expect(published(mocks)[0]?.topic).toBe(`${TOPIC}/accepted`);
  });

  it('never logs the CSR or a certificate PEM', async () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      await handler({ logger: new Logger({ serviceName: 'create', logLevel: 'DEBUG' }) })(request(), time.context);
    } finally {
      write.mockRestore();
      writeErr.mockRestore();
    }
    const output = lines.join('');
    expect(output).toContain(NEW_ID);
    expect(output).toContain(THING);
    expect(output).not.toContain('BEGIN CERTIFICATE');
    expect(output).not.toContain('MIIB');
  });
});

describe('create-certificate pre-conditions (each failing on its own)', () => {
  const cases: [string, () => Record<string, unknown>][] = [
    ['no job execution', () => (mocks.jobs.on(DescribeJobExecutionCommand).rejects(awsError('ResourceNotFoundException', 404)), request())],
    ['job execution QUEUED', () => (mocks.jobs.on(DescribeJobExecutionCommand).resolves({ execution: { status: 'QUEUED', jobDocument: JOB_DOCUMENT } }), request())],
    ['another job document', () => (mocks.jobs.on(DescribeJobExecutionCommand).resolves({ execution: { status: 'IN_PROGRESS', jobDocument: '{"operation":"OTHER"}' } }), request())],
    ['no principal', () => (mocks.iot.on(ListThingPrincipalsV2Command).resolves({ thingPrincipalObjects: [] }), request())],
    ['thing does not exist', () => (mocks.iot.on(ListThingPrincipalsV2Command).rejects(awsError('ResourceNotFoundException', 404)), request())],
    [
      'two principals',
      () => (
        mocks.iot.on(ListThingPrincipalsV2Command).resolves({ thingPrincipalObjects: [{ principal: certArn(OLD_ID) }, { principal: certArn(OTHER_ID) }] }),
        request()
      ),
    ],
    [
      'principal is not a certificate',
      () => (mocks.iot.on(ListThingPrincipalsV2Command).resolves({ thingPrincipalObjects: [{ principal: `${REGION}:0e1f-cognito-identity` }] }), request()),
    ],
    ['connection used another certificate', () => request({ principal: OTHER_ID })],
    ['client id is not the thing name', () => request({ clientId: 'intruder' })],
  ];

  it.each(cases)('rejects when %s', async (_name, arrange) => {
    await handler()(arrange(), time.context);
    expect(published(mocks)).toEqual(rejected('Pre-conditions not met'));
    expectNothingIssued();
  });
});

describe('create-certificate issuer failures', () => {
  it('replies with the AWS IoT error', async () => {
    mocks.iot.on(CreateCertificateFromCsrCommand).rejects(awsError('InvalidRequestException', 400, 'The CSR is malformed'));
    await handler()(request(), time.context);
    expect(published(mocks)).toEqual(rejected('Failed to create certificate from CSR: InvalidRequestException: The CSR is malformed'));
    expect(mocks.iot.commandCalls(AttachPolicyCommand)).toHaveLength(0);
    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(0);
  });
});

describe('create-certificate with AWS Private CA issuing', () => {
  beforeEach(() => {
    mocks.pca.on(IssueCertificateCommand).resolves({ CertificateArn: PCA_CERT_ARN });
    mocks.iot.on(RegisterCertificateWithoutCACommand).resolves({ certificateId: NEW_ID, certificateArn: certArn(NEW_ID) });
  });

  it('issues, waits until issued, registers without CA and replies with the PEM', async () => {
    mocks.pca
      .on(GetCertificateCommand)
      .rejectsOnce(awsError('RequestInProgressException'))
      .rejectsOnce(awsError('RequestInProgressException'))
      .resolves({ Certificate: NEW_PEM, CertificateChain: 'chain' });
    await handler(pcaSettings)(request(), time.context);

    const issue = mocks.pca.commandCalls(IssueCertificateCommand)[0]?.args[0].input;
    expect(issue?.CertificateAuthorityArn).toBe(PCA_ARN);
    expect(new TextDecoder().decode(issue?.Csr)).toBe(CSR);
    expect(issue?.SigningAlgorithm).toBe('SHA256WITHRSA');
    expect(issue?.Validity).toEqual({ Value: 7, Type: 'DAYS' });
    expect(mocks.pca.commandCalls(GetCertificateCommand).map((c) => c.args[0].input)).toEqual(
      Array.from({ length: 3 }, () => ({ CertificateAuthorityArn: PCA_ARN, CertificateArn: PCA_CERT_ARN })),
    );
    expect(time.sleeps).toEqual([1_000, 1_000]);
    expect(mocks.iot.commandCalls(RegisterCertificateWithoutCACommand)[0]?.args[0].input).toEqual({ certificatePem: NEW_PEM, status: 'ACTIVE' });
    expect(mocks.iot.commandCalls(CreateCertificateFromCsrCommand)).toHaveLength(0);
    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(1);
    expect(published(mocks)).toEqual([{ topic: `${TOPIC}/accepted`, qos: 0, payload: { certificatePem: NEW_PEM } }]);
  });

  it('gives up after 30 polls', async () => {
    mocks.pca.on(GetCertificateCommand).rejects(awsError('RequestInProgressException'));
    await handler(pcaSettings)(request(), fakeTime(600_000).context);
    expect(mocks.pca.commandCalls(GetCertificateCommand)).toHaveLength(30);
    expect(published(mocks)).toEqual(rejected('Failed to create certificate from CSR: Private CA did not issue the certificate within 30 attempts'));
    expect(mocks.iot.commandCalls(RegisterCertificateWithoutCACommand)).toHaveLength(0);
  });

  it('stops polling when the time budget runs out', async () => {
    time = fakeTime(12_000); // 1 s margin and 5 s clean-up reserve leave 6 s to poll in
    mocks.pca.on(GetCertificateCommand).rejects(awsError('RequestInProgressException'));
    await handler(pcaSettings)(request(), time.context);
    expect(mocks.pca.commandCalls(GetCertificateCommand)).toHaveLength(6);
    expect(published(mocks)).toEqual(rejected('Failed to create certificate from CSR: Private CA did not issue the certificate within 6 attempts'));
  });

  it('replies with a Private CA error', async () => {
    mocks.pca.on(IssueCertificateCommand).rejects(awsError('MalformedCSRException', 400, 'Bad CSR'));
    await handler(pcaSettings)(request(), time.context);
    expect(published(mocks)).toEqual(rejected('Failed to create certificate from CSR: MalformedCSRException: Bad CSR'));
    expect(mocks.iot.commandCalls(RegisterCertificateWithoutCACommand)).toHaveLength(0);
  });
});

describe('create-certificate under throttling', () => {
  it('retries throttled calls and succeeds', async () => {
    mocks.iot
      .on(ListThingPrincipalsV2Command)
      .rejectsOnce(awsError('ThrottlingException'))
      .rejectsOnce(awsError('TooManyRequestsException', 429))
      .resolves({ thingPrincipalObjects: [{ principal: certArn(OLD_ID) }] });
    mocks.iot
      .on(CreateCertificateFromCsrCommand)
      .rejectsOnce(awsError('ThrottlingException'))
      .resolves({ certificateId: NEW_ID, certificateArn: certArn(NEW_ID), certificatePem: NEW_PEM });
    await handler()(request(), time.context);
    expect(published(mocks)).toEqual([{ topic: `${TOPIC}/accepted`, qos: 0, payload: { certificatePem: NEW_PEM } }]);
    expect(time.sleeps).toEqual([75, 150, 75]);
    expect(mocks.iot.commandCalls(CreateCertificateFromCsrCommand)).toHaveLength(2);
  });

  it('rejects naming throttling when the budget runs out before issuing', async () => {
    mocks.iot.on(ListThingPrincipalsV2Command).rejects(awsError('ThrottlingException'));
    await handler()(request(), time.context);
    const replies = published(mocks);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.topic).toBe(`${TOPIC}/rejected`);
    expect((replies[0]?.payload as { errorMsg: string }).errorMsg).toMatch(
      /^AWS throttling: ListThingPrincipalsV2 was still throttled \(ThrottlingException\) after \d+ attempts when the time budget ran out$/,
    );
    expectNothingIssued();
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(60_000 - 1_000 - 5_000);
  });

  it('names throttling of the issuer in the issuer rejection', async () => {
    mocks.iot.on(CreateCertificateFromCsrCommand).rejects(awsError('ThrottlingException'));
    await handler()(request(), time.context);
    expect((published(mocks)[0]?.payload as { errorMsg: string }).errorMsg).toMatch(
      /^Failed to create certificate from CSR: AWS throttling: CreateCertificateFromCsr was still throttled/,
    );
  });

  it('removes the issued certificate when attaching stays throttled', async () => {
    mocks.iot.on(AttachThingPrincipalCommand).rejects(awsError('ThrottlingException'));
    await handler()(request(), time.context);
    expect((published(mocks)[0]?.payload as { errorMsg: string }).errorMsg).toMatch(/^AWS throttling: AttachThingPrincipal was still throttled/);
    expect(published(mocks)[0]?.topic).toBe(`${TOPIC}/rejected`);
    expectNewCertificateRemoved({ detached: true });
    expect(mocks.data.commandCalls(UpdateThingShadowCommand)).toHaveLength(0);
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(0);
  });

  it('retries DescribeEndpoint when it is throttled', async () => {
    mocks.iot.on(DescribeEndpointCommand, { endpointType: 'iot:Jobs' }).rejectsOnce(awsError('ThrottlingException')).resolves({ endpointAddress: 'jobs.iot.example' });
    await handler()(request(), time.context);
    expect(published(mocks)[0]?.topic).toBe(`${TOPIC}/accepted`);
  });
});

describe('create-certificate when the device gives up during issuance (race)', () => {
  it('removes a certificate issued after the job execution ended, without attaching it', async () => {
    mocks.jobs
      .on(DescribeJobExecutionCommand)
      .resolvesOnce({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } })
      .resolves({ execution: { status: 'FAILED', jobDocument: JOB_DOCUMENT } });
    await handler()(request(), time.context);

    expect(mocks.iot.commandCalls(AttachPolicyCommand)).toHaveLength(0);
    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(0);
    expect(mocks.data.commandCalls(UpdateThingShadowCommand)).toHaveLength(0);
    expectNewCertificateRemoved({ detached: false });
    expect(commandOrder(mocks.iot, mocks.data).slice(-4)).toEqual(['UpdateCertificate', 'DeleteCertificate', 'DescribeEndpoint', 'Publish']);
    expect(published(mocks)).toEqual(rejected('Pre-conditions not met'));
  });

  it('undoes the attachment when the job execution ended while attaching', async () => {
    mocks.jobs
      .on(DescribeJobExecutionCommand)
      .resolvesOnce({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } })
      .resolvesOnce({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } })
      .resolves({ execution: { status: 'FAILED', jobDocument: JOB_DOCUMENT } });
    await handler()(request(), time.context);

    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(1);
    expectNewCertificateRemoved({ detached: true });
    expect(mocks.data.commandCalls(DeleteThingShadowCommand).map((c) => c.args[0].input)).toEqual([{ thingName: THING, shadowName: SHADOW_NAME }]);
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
    await handler()(request(), time.context);
    expect(mocks.iot.commandCalls(DeleteCertificateCommand)).toHaveLength(2);
    expect(time.sleeps).toEqual([375]);
  });
});

describe('create-certificate event validation', () => {
  it.each([
    ['csr', request({ csr: undefined })],
    ['csr', request({ csr: 'not a csr' })],
    ['jobId', request({ jobId: 'bad job id!' })],
    ['principal', request({ principal: 'ABC' })],
    ['clientId', request({ clientId: '' })],
    ['topic', request({ topic: 'awslabs/things/other/certificate/create' })],
  ])('rejects a bad %s on the reply topic, naming it, before any other AWS call', async (field, event) => {
    await handler()(event, time.context);
    const replies = published(mocks);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.topic).toBe(`${TOPIC}/rejected`);
    expect((replies[0]?.payload as { errorMsg: string }).errorMsg).toMatch(new RegExp(`^Invalid request: .*\\b${field}: `));
    expect(commandOrder(mocks.iot, mocks.jobs, mocks.data, mocks.pca)).toEqual(['DescribeEndpoint', 'Publish']);
  });

  it.each([
    ['no thing name', request({ thingName: undefined })],
    ['a bad thing name', request({ thingName: 'a/b' })],
    ['no object', null],
  ])('drops an event with %s without any AWS call', async (_name, event) => {
    await handler()(event, time.context);
    expect(commandOrder(mocks.iot, mocks.jobs, mocks.data, mocks.pca)).toEqual([]);
  });
});

describe('create-certificate settings', () => {
  it('refuses settings without a shadow name, naming the field', () => {
    expect(() => handler({ shadowName: '' })).toThrow(/shadowName/);
  });
});
