import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  DescribeEndpointCommand,
  ListPrincipalPoliciesCommand,
  ListThingPrincipalsV2Command,
} from '@aws-sdk/client-iot';
import { UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeJobExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { Logger } from '@aws-lambda-powertools/logger';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { arrangeCreate, createHandler, expectNothingIssued, POLICIES, rejected, request, TOPIC } from './support/create-fixture.js';
import {
  awsError,
  certArn,
  commandOrder,
  createMocks,
  CSR,
  decodeJson,
  JOB_DOCUMENT,
  JOB_ID,
  NEW_ID,
  NEW_PEM,
  OLD_ID,
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
    expect(mocks.iot.commandCalls(ListThingPrincipalsV2Command).map((c) => c.args[0].input)).toEqual([{ thingName: THING }]);
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
        mocks.iot
          .on(ListThingPrincipalsV2Command)
          .resolves({ thingPrincipalObjects: [{ principal: certArn(OLD_ID), thingPrincipalType: 'NON_EXCLUSIVE_THING' }] }),
        request()
      ),
    ],
    [
      'two principals',
      () => (
        mocks.iot.on(ListThingPrincipalsV2Command).resolves({
          thingPrincipalObjects: [OLD_ID, OTHER_ID].map((id) => ({
            principal: certArn(id),
            thingPrincipalType: 'EXCLUSIVE_THING' as const,
          })),
        }),
        request()
      ),
    ],
    [
      'another principal is not a certificate',
      () => (
        mocks.iot.on(ListThingPrincipalsV2Command).resolves({
          thingPrincipalObjects: [certArn(OLD_ID), `${REGION}:0e1f-cognito-identity`].map((principal) => ({
            principal,
            thingPrincipalType: 'EXCLUSIVE_THING' as const,
          })),
        }),
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
