import {
  DescribeCertificateCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  ListPrincipalPoliciesCommand,
  ListThingPrincipalsV2Command,
  RegisterCertificateWithoutCACommand,
} from '@aws-sdk/client-iot';
import { GetCertificateCommand, IssueCertificateCommand } from '@aws-sdk/client-acm-pca';
import { DescribeJobExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { GetThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commonSettingsFromEnv, snsTopicArnFromEnv } from '../../src/config/env-settings.js';
import { issuerSettingsFromEnv } from '../../src/issuers/issuer-env.js';
import { handler as createHandler } from '../../src/handlers/create-certificate-lambda.js';
import { handler as iotCoreCreateHandler } from '../../src/handlers/create-certificate-iot-core-lambda.js';
import {
  certArn,
  createMocks,
  CSR,
  JOB_DOCUMENT,
  JOB_ID,
  NEW_ID,
  NEW_PEM,
  OLD_ID,
  OLD_PEM,
  published,
  resetMocks,
  shadowDocument,
  THING,
} from './support/harness.js';

const PCA_ARN = 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/0a1b2c3d-0000-1111-2222-333344445555';
const common = { AWS_REGION: 'eu-west-1', JOB_DOCUMENT, SHADOW_NAME: 'AWSLabsCertificateRotator' };

describe('settings from the environment', () => {
  it('reads the common settings', () => {
    expect(commonSettingsFromEnv(common, 'commit')).toEqual({
      clientConfig: { region: 'eu-west-1' },
      jobDocument: JOB_DOCUMENT,
      shadowName: 'AWSLabsCertificateRotator',
    });
  });

  it.each(['AWS_REGION', 'JOB_DOCUMENT', 'SHADOW_NAME'])('names a missing %s', (name) => {
    expect(() => commonSettingsFromEnv({ ...common, [name]: undefined }, 'commit')).toThrow(new RegExp(name));
  });

  it('chooses AWS IoT when PCA_CA_ARN is empty or unset', () => {
    expect(issuerSettingsFromEnv({ PCA_CA_ARN: '', PCA_VALIDITY_IN_DAYS: '7', PCA_SIGNING_ALGORITHM: 'SHA256WITHRSA' })).toEqual({
      kind: 'iot-core',
    });
    expect(issuerSettingsFromEnv({})).toEqual({ kind: 'iot-core' });
  });

  it('reads the Private CA settings', () => {
    expect(issuerSettingsFromEnv({ PCA_CA_ARN: PCA_ARN, PCA_VALIDITY_IN_DAYS: '7', PCA_SIGNING_ALGORITHM: 'SHA384WITHECDSA' })).toEqual({
      kind: 'private-ca',
      caArn: PCA_ARN,
      validityInDays: 7,
      signingAlgorithm: 'SHA384WITHECDSA',
    });
  });

  it.each([
    ['PCA_VALIDITY_IN_DAYS', { PCA_CA_ARN: PCA_ARN, PCA_SIGNING_ALGORITHM: 'SHA256WITHRSA' }],
    ['PCA_VALIDITY_IN_DAYS', { PCA_CA_ARN: PCA_ARN, PCA_VALIDITY_IN_DAYS: 'seven', PCA_SIGNING_ALGORITHM: 'SHA256WITHRSA' }],
    ['PCA_SIGNING_ALGORITHM', { PCA_CA_ARN: PCA_ARN, PCA_VALIDITY_IN_DAYS: '7', PCA_SIGNING_ALGORITHM: 'MD5WITHRSA' }],
    ['PCA_CA_ARN', { PCA_CA_ARN: 'not-an-arn', PCA_VALIDITY_IN_DAYS: '7', PCA_SIGNING_ALGORITHM: 'SHA256WITHRSA' }],
  ])('names a bad %s', (name, env) => {
    expect(() => issuerSettingsFromEnv(env)).toThrow(new RegExp(name));
  });

  it('names a bad SNS_TOPIC_ARN', () => {
    expect(() => snsTopicArnFromEnv({ SNS_TOPIC_ARN: '' })).toThrow(/SNS_TOPIC_ARN/);
  });
});

describe('the exported Lambda handler', () => {
  const mocks = createMocks();

  beforeEach(() => {
    resetMocks(mocks);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('JOB_DOCUMENT', JOB_DOCUMENT);
    vi.stubEnv('SHADOW_NAME', 'AWSLabsCertificateRotator');
    vi.stubEnv('PCA_CA_ARN', PCA_ARN);
    vi.stubEnv('PCA_VALIDITY_IN_DAYS', '3');
    vi.stubEnv('PCA_SIGNING_ALGORITHM', 'SHA512WITHRSA');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is built from the environment on first use and issues with the Private CA it names', async () => {
    mocks.iot
      .on(ListThingPrincipalsV2Command)
      .resolves({ thingPrincipalObjects: [{ principal: certArn(OLD_ID), thingPrincipalType: 'EXCLUSIVE_THING' }] });
    mocks.jobs.on(DescribeJobExecutionCommand).resolves({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } });
    mocks.pca.on(IssueCertificateCommand).resolves({ CertificateArn: `${PCA_ARN}/certificate/1` });
    mocks.pca.on(GetCertificateCommand).resolves({ Certificate: NEW_PEM });
    mocks.iot.on(RegisterCertificateWithoutCACommand).resolves({ certificateId: NEW_ID, certificateArn: certArn(NEW_ID) });
    mocks.iot.on(ListPrincipalPoliciesCommand).resolves({ policies: [] });
    mocks.iot.on(AttachThingPrincipalCommand).resolves({});
    mocks.data.on(UpdateThingShadowCommand).resolves({});
    mocks.data.on(GetThingShadowCommand).resolves(shadowDocument({}));
    mocks.iot.on(DescribeCertificateCommand).resolves({ certificateDescription: { certificatePem: OLD_PEM } });
    const topic = `awslabs/things/${THING}/certificate/create`;
    await createHandler(
      { jobId: JOB_ID, csr: CSR, thingName: THING, topic, clientId: THING, principal: OLD_ID },
      { getRemainingTimeInMillis: () => 60_000 },
    );
    const issue = mocks.pca.commandCalls(IssueCertificateCommand)[0]?.args[0].input;
    expect(issue?.SigningAlgorithm).toBe('SHA512WITHRSA');
    expect(issue?.Validity).toEqual({ Value: 3, Type: 'DAYS' });
    expect(mocks.iot.commandCalls(CreateCertificateFromCsrCommand)).toHaveLength(0);
    expect(published(mocks)).toEqual([{ topic: `${topic}/accepted`, qos: 0, payload: { certificatePem: NEW_PEM } }]);
  });
});

describe('the Lambda handler bundled for AWS IoT Core issuing', () => {
  const mocks = createMocks();
  const topic = `awslabs/things/${THING}/certificate/create`;
  const create = () =>
    iotCoreCreateHandler(
      { jobId: JOB_ID, csr: CSR, thingName: THING, topic, clientId: THING, principal: OLD_ID },
      { getRemainingTimeInMillis: () => 60_000 },
    );

  beforeEach(() => {
    resetMocks(mocks);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('JOB_DOCUMENT', JOB_DOCUMENT);
    vi.stubEnv('SHADOW_NAME', 'AWSLabsCertificateRotator');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('refuses a Private CA it was not built with, saying how to deploy one, and issues nothing', async () => {
    vi.stubEnv('PCA_CA_ARN', PCA_ARN);
    vi.stubEnv('PCA_VALIDITY_IN_DAYS', '3');
    vi.stubEnv('PCA_SIGNING_ALGORITHM', 'SHA512WITHRSA');
    await expect(async () => create()).rejects.toThrow(/AWS IoT Core issuing only.*privateCaArn/);
    expect(mocks.pca.commandCalls(IssueCertificateCommand)).toHaveLength(0);
    expect(mocks.iot.commandCalls(CreateCertificateFromCsrCommand)).toHaveLength(0);
  });

  it('issues with AWS IoT Core when PCA_CA_ARN is empty', async () => {
    vi.stubEnv('PCA_CA_ARN', '');
    mocks.iot
      .on(ListThingPrincipalsV2Command)
      .resolves({ thingPrincipalObjects: [{ principal: certArn(OLD_ID), thingPrincipalType: 'EXCLUSIVE_THING' }] });
    mocks.jobs.on(DescribeJobExecutionCommand).resolves({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } });
    mocks.iot
      .on(CreateCertificateFromCsrCommand)
      .resolves({ certificateId: NEW_ID, certificateArn: certArn(NEW_ID), certificatePem: NEW_PEM });
    mocks.iot.on(ListPrincipalPoliciesCommand).resolves({ policies: [] });
    mocks.iot.on(AttachThingPrincipalCommand).resolves({});
    mocks.data.on(UpdateThingShadowCommand).resolves({});
    mocks.data.on(GetThingShadowCommand).resolves(shadowDocument({}));
    mocks.iot.on(DescribeCertificateCommand).resolves({ certificateDescription: { certificatePem: OLD_PEM } });
    await create();
    expect(mocks.iot.commandCalls(CreateCertificateFromCsrCommand)).toHaveLength(1);
    expect(mocks.pca.commandCalls(IssueCertificateCommand)).toHaveLength(0);
    expect(published(mocks)).toEqual([{ topic: `${topic}/accepted`, qos: 0, payload: { certificatePem: NEW_PEM } }]);
  });
});
