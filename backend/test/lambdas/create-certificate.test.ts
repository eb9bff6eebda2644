import { GetCertificateCommand, IssueCertificateCommand } from '@aws-sdk/client-acm-pca';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  DeleteCertificateCommand,
  DescribeEndpointCommand,
  ListPrincipalPoliciesCommand,
  ListThingPrincipalsV2Command,
  RegisterCertificateWithoutCACommand,
} from '@aws-sdk/client-iot';
import { UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeJobExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { Logger } from '@aws-lambda-powertools/logger';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  arrangeCreate,
  createHandler,
  expectNothingIssued,
  PCA_ARN,
  PCA_CERT_ARN,
  pcaSettings,
  POLICIES,
  rejected,
  request,
  TOPIC,
} from './support/create-fixture.js';
import {
  awsError,
  certArn,
  commandOrder,
  createMocks,
  CA_PEM,
  CSR,
  decodeJson,
  fakeTime,
  JOB_DOCUMENT,
  JOB_ID,
  NEW_ID,
  NEW_PEM,
  OLD_ID,
  OLD_PEM,
  OTHER_ID,
  published,
  REGION,
  SHADOW_NAME,
  THING,
  type FakeTime,
} from './support/harness.js';

const mocks = createMocks();
let time: FakeTime;

beforeEach(() => {
  time = arrangeCreate(mocks);
});

describe('create-certificate with AWS IoT Core issuing', () => {
  it('issues, copies the policies, attaches, records progress and replies with the PEM', async () => {
    await createHandler(time)(request(), time.context);

    expect(published(mocks)).toEqual([{ topic: `${TOPIC}/accepted`, qos: 0, payload: { certificatePem: NEW_PEM } }]);
    expect(mocks.iot.commandCalls(ListThingPrincipalsV2Command).map((c) => c.args[0].input)).toEqual([
      { thingName: THING },
      { thingName: THING, thingPrincipalType: 'EXCLUSIVE_THING' },
    ]);
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
    const [claim, record] = mocks.data.commandCalls(UpdateThingShadowCommand).map((c) => c.args[0].input);
    expect(record?.thingName).toBe(THING);
    expect(record?.shadowName).toBe(SHADOW_NAME);
    // The claim is written over the version read (3), the record over the claim's version.
    expect(decodeJson(claim?.payload)).toEqual({
      state: { reported: { progress: 'creating', jobId: JOB_ID, oldCertificateId: OLD_ID, newCertificateId: null } },
      version: 3,
    });
    expect(decodeJson(record?.payload)).toEqual({
      state: { reported: { progress: 'created', jobId: JOB_ID, oldCertificateId: OLD_ID, newCertificateId: NEW_ID } },
      version: 4,
    });
    expect(commandOrder(mocks.iot, mocks.jobs, mocks.data)).toEqual([
      'ListThingPrincipalsV2',
      'ListThingPrincipalsV2',
      'DescribeEndpoint',
      'DescribeJobExecution',
      'DescribeCertificate',
      'DescribeEndpoint',
      'GetThingShadow',
      'UpdateThingShadow',
      'CreateCertificateFromCsr',
      'DescribeJobExecution',
      'ListPrincipalPolicies',
      'AttachPolicy',
      'AttachPolicy',
      'AttachThingPrincipal',
      'UpdateThingShadow',
      'DescribeJobExecution',
      'Publish',
    ]);
  });

  it('accepts a Greengrass client id that extends the thing name', async () => {
    await createHandler(time)(request({ clientId: `${THING}#2` }), time.context);
    expect(published(mocks)[0]?.topic).toBe(`${TOPIC}/accepted`);
  });

  it('looks the data-plane endpoints up once per handler instance', async () => {
    const create = createHandler(time);
    await create(request(), time.context);
    await create(request(), time.context);
    expect(mocks.iot.commandCalls(DescribeEndpointCommand).map((c) => (c.args[0].input as { endpointType?: string }).endpointType)).toEqual(
      ['iot:Jobs', 'iot:Data-ATS'],
    );
  });

  it('runs without a Lambda context on a default budget', async () => {
    await createHandler(time)(request());
    expect(published(mocks)[0]?.topic).toBe(`${TOPIC}/accepted`);
  });

  it('never logs the CSR or a certificate PEM', async () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      await createHandler(time, { logger: new Logger({ serviceName: 'create', logLevel: 'DEBUG' }) })(request(), time.context);
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
    [
      'job execution QUEUED',
      () => (
        mocks.jobs.on(DescribeJobExecutionCommand).resolves({ execution: { status: 'QUEUED', jobDocument: JOB_DOCUMENT } }),
        request()
      ),
    ],
    [
      'another job document',
      () => (
        mocks.jobs.on(DescribeJobExecutionCommand).resolves({ execution: { status: 'IN_PROGRESS', jobDocument: '{"operation":"OTHER"}' } }),
        request()
      ),
    ],
    [
      'the certificate is attached, but not exclusively',
      () => (
        mocks.iot.on(ListThingPrincipalsV2Command, { thingPrincipalType: 'EXCLUSIVE_THING' }).resolves({ thingPrincipalObjects: [] }),
        request()
      ),
    ],
    [
      'two principals',
      () => (
        mocks.iot
          .on(ListThingPrincipalsV2Command)
          .resolves({ thingPrincipalObjects: [{ principal: certArn(OLD_ID) }, { principal: certArn(OTHER_ID) }] }),
        request()
      ),
    ],
    [
      'another principal is not a certificate',
      () => (
        mocks.iot
          .on(ListThingPrincipalsV2Command)
          .resolves({ thingPrincipalObjects: [{ principal: certArn(OLD_ID) }, { principal: `${REGION}:0e1f-cognito-identity` }] }),
        request()
      ),
    ],
  ];

  it.each(cases)('rejects when %s', async (_name, arrange) => {
    await createHandler(time)(arrange(), time.context);
    expect(published(mocks)).toEqual(rejected('Pre-conditions not met'));
    expectNothingIssued(mocks);
  });
});

describe('create-certificate issuer failures', () => {
  it('replies with the AWS IoT error', async () => {
    mocks.iot.on(CreateCertificateFromCsrCommand).rejects(awsError('InvalidRequestException', 400, 'The CSR is malformed'));
    await createHandler(time)(request(), time.context);
    expect(published(mocks)).toEqual(rejected('Failed to create certificate from CSR: InvalidRequestException: The CSR is malformed'));
    expect(mocks.iot.commandCalls(AttachPolicyCommand)).toHaveLength(0);
    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(0);
  });
});

/** Runs `handle` with the SDK waiter's timers and clock faked; returns the milliseconds it waited. */
async function onFakeTimers(handle: () => Promise<unknown>): Promise<number> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  try {
    const started = Date.now();
    let settled = false;
    const running = handle().finally(() => (settled = true));
    while (!settled) await vi.advanceTimersByTimeAsync(100);
    await running;
    return Date.now() - started;
  } finally {
    vi.useRealTimers();
  }
}

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
      .resolves({ Certificate: NEW_PEM, CertificateChain: CA_PEM });
    const waited = await onFakeTimers(() => createHandler(time, pcaSettings)(request(), time.context));

    const issue = mocks.pca.commandCalls(IssueCertificateCommand)[0]?.args[0].input;
    expect(issue?.CertificateAuthorityArn).toBe(PCA_ARN);
    expect(new TextDecoder().decode(issue?.Csr)).toBe(CSR);
    expect(issue?.SigningAlgorithm).toBe('SHA256WITHRSA');
    expect(issue?.Validity).toEqual({ Value: 7, Type: 'DAYS' });
    // The subject and extensions come from the API, not the CSR.
    expect(issue?.TemplateArn).toBe('arn:aws:acm-pca:::template/BlankEndEntityCertificate_APIPassthrough/V1');
    expect(issue?.ApiPassthrough).toEqual({
      Subject: { CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'core-1' }] },
      Extensions: { KeyUsage: { DigitalSignature: true }, ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'CLIENT_AUTH' }] },
    });
    expect(mocks.pca.commandCalls(GetCertificateCommand).map((c) => c.args[0].input)).toEqual(
      Array.from({ length: 3 }, () => ({ CertificateAuthorityArn: PCA_ARN, CertificateArn: PCA_CERT_ARN })),
    );
    // The waiter's backoff: at least 1 s before each poll after the first.
    expect(waited).toBeGreaterThanOrEqual(2_000);
    expect(mocks.iot.commandCalls(RegisterCertificateWithoutCACommand)[0]?.args[0].input).toEqual({
      certificatePem: NEW_PEM,
      status: 'ACTIVE',
    });
    expect(mocks.iot.commandCalls(CreateCertificateFromCsrCommand)).toHaveLength(0);
    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(1);
    expect(published(mocks)).toEqual([{ topic: `${TOPIC}/accepted`, qos: 0, payload: { certificatePem: NEW_PEM } }]);
  });

  it('removes a certificate not signed by the chain it came with, and rejects', async () => {
    mocks.pca.on(GetCertificateCommand).resolves({ Certificate: NEW_PEM, CertificateChain: OLD_PEM });
    await createHandler(time, pcaSettings)(request(), time.context);
    expect(published(mocks)).toEqual(
      rejected('Failed to create certificate from CSR: the issued certificate is not signed by the first certificate of its chain'),
    );
    expect(mocks.iot.commandCalls(DeleteCertificateCommand).map((c) => c.args[0].input)).toEqual([{ certificateId: NEW_ID }]);
    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(0);
  });

  it('stops waiting at once on an error other than in-progress, and replies with it', async () => {
    mocks.pca
      .on(GetCertificateCommand)
      .rejectsOnce(awsError('RequestInProgressException'))
      .rejects(awsError('AccessDeniedException', 400, 'Not allowed'));
    await onFakeTimers(() => createHandler(time, pcaSettings)(request(), time.context));
    expect(mocks.pca.commandCalls(GetCertificateCommand)).toHaveLength(2);
    expect(published(mocks)).toEqual(rejected('Failed to create certificate from CSR: AccessDeniedException: Not allowed'));
    expect(mocks.iot.commandCalls(RegisterCertificateWithoutCACommand)).toHaveLength(0);
  });

  it('stops polling when the time budget runs out', async () => {
    time = fakeTime(12_000); // 1 s margin and 5 s clean-up reserve leave 6 s to wait in
    mocks.pca.on(GetCertificateCommand).rejects(awsError('RequestInProgressException'));
    const waited = await onFakeTimers(() => createHandler(time, pcaSettings)(request(), time.context));
    expect(waited).toBeLessThanOrEqual(6_000);
    expect(mocks.pca.commandCalls(GetCertificateCommand).length).toBeGreaterThan(1);
    expect(published(mocks)).toEqual(
      rejected(
        expect.stringMatching(/^Failed to create certificate from CSR: Private CA did not issue the certificate within 6 s \(\d+ polls\)$/),
      ),
    );
    expect(mocks.iot.commandCalls(RegisterCertificateWithoutCACommand)).toHaveLength(0);
  });

  it('does not start waiting with less than two seconds of budget left', async () => {
    time = fakeTime(7_500); // 1 s margin and 5 s clean-up reserve leave 1.5 s
    mocks.pca.on(GetCertificateCommand).rejects(awsError('RequestInProgressException'));
    await onFakeTimers(() => createHandler(time, pcaSettings)(request(), time.context));
    expect(mocks.pca.commandCalls(GetCertificateCommand)).toHaveLength(0);
    expect(published(mocks)).toEqual(
      rejected('Failed to create certificate from CSR: Private CA issuance needs more than 1 s to wait in; 1 s remain'),
    );
  });

  it('replies with a Private CA error', async () => {
    mocks.pca.on(IssueCertificateCommand).rejects(awsError('MalformedCSRException', 400, 'Bad CSR'));
    await createHandler(time, pcaSettings)(request(), time.context);
    expect(published(mocks)).toEqual(rejected('Failed to create certificate from CSR: MalformedCSRException: Bad CSR'));
    expect(mocks.iot.commandCalls(RegisterCertificateWithoutCACommand)).toHaveLength(0);
  });
});
