import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  DescribeCertificateCommand,
  DeleteCertificateCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  ListPrincipalPoliciesCommand,
  ListThingPrincipalsV2Command,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { IssueCertificateCommand } from '@aws-sdk/client-acm-pca';
import { DeleteThingShadowCommand, GetThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeJobExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { expect } from 'vitest';
import { requestTopic } from '../../../../shared/contract/index.js';
import { createCreateCertificateHandler, type CreateCertificateSettings } from '../../../src/handlers/create-certificate-lambda.js';
import type { RotationHandler } from '../../../src/index.js';
import {
  certArn,
  CSR,
  fakeTime,
  handlerSettings,
  JOB_DOCUMENT,
  JOB_ID,
  NEW_ID,
  NEW_PEM,
  OLD_ID,
  OLD_PEM,
  shadowDocument,
  REGION,
  resetMocks,
  THING,
  type FakeTime,
  type Mocks,
} from './harness.js';

/** Shared arrangement of the create-certificate tests: a thing mid-rotation that AWS IoT would accept. */
export const TOPIC = requestTopic('create', THING);
export const PCA_ARN = `arn:aws:acm-pca:${REGION}:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555`;
export const PCA_CERT_ARN = `${PCA_ARN}/certificate/abcdef`;
export const POLICIES = ['GreengrassV2IoTThingPolicy', 'GreengrassTESCertificatePolicy'];
export const pcaSettings = {
  issuer: { kind: 'private-ca' as const, caArn: PCA_ARN, validityInDays: 7, signingAlgorithm: 'SHA256WITHRSA' as const },
};

export const request = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  jobId: JOB_ID,
  csr: CSR,
  thingName: THING,
  topic: TOPIC,
  clientId: THING,
  principal: OLD_ID,
  ...overrides,
});

export const rejected = (errorMsg: string) => [{ topic: `${TOPIC}/rejected`, qos: 0, payload: { errorMsg } }];
export const accepted = () => [{ topic: `${TOPIC}/accepted`, qos: 0, payload: { certificatePem: NEW_PEM } }];

export function createHandler(time: FakeTime, extra: Partial<CreateCertificateSettings> = {}): RotationHandler {
  return createCreateCertificateHandler({
    ...handlerSettings(time),
    ...extra,
  });
}

/** Resets the stubs to a happy rotation and returns a fresh 60 s clock. */
export function arrangeCreate(mocks: Mocks): FakeTime {
  resetMocks(mocks);
  mocks.iot.on(ListThingPrincipalsV2Command).resolves({
    thingPrincipalObjects: [{ principal: certArn(OLD_ID), thingPrincipalType: 'EXCLUSIVE_THING' }],
  });
  mocks.jobs.on(DescribeJobExecutionCommand).resolves({
    execution: { jobId: JOB_ID, thingName: THING, status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT },
  });
  mocks.iot
    .on(CreateCertificateFromCsrCommand)
    .resolves({ certificateId: NEW_ID, certificateArn: certArn(NEW_ID), certificatePem: NEW_PEM });
  mocks.iot.on(ListPrincipalPoliciesCommand).resolves({ policies: POLICIES.map((policyName) => ({ policyName })) });
  for (const command of [
    AttachPolicyCommand,
    AttachThingPrincipalCommand,
    UpdateCertificateCommand,
    DetachThingPrincipalCommand,
    DetachPolicyCommand,
    DeleteCertificateCommand,
  ]) {
    mocks.iot.on(command as new (input: object) => unknown).resolves({});
  }
  mocks.iot
    .on(DescribeCertificateCommand, { certificateId: OLD_ID })
    .resolves({ certificateDescription: { certificateId: OLD_ID, certificatePem: OLD_PEM, status: 'ACTIVE' } });
  // A rotation shadow left by an earlier rotation; the claim writes over its version.
  mocks.data
    .on(GetThingShadowCommand)
    .resolves(shadowDocument({ progress: 'committed', jobId: 'earlier-rotation', oldCertificateId: 'x', newCertificateId: 'y' }));
  mocks.data.on(UpdateThingShadowCommand).resolves({});
  mocks.data.on(DeleteThingShadowCommand).resolves({});
  return fakeTime(60_000);
}

export function expectNothingIssued(mocks: Mocks): void {
  expect(mocks.iot.commandCalls(CreateCertificateFromCsrCommand)).toHaveLength(0);
  expect(mocks.pca.commandCalls(IssueCertificateCommand)).toHaveLength(0);
  expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(0);
  expect(mocks.data.commandCalls(UpdateThingShadowCommand)).toHaveLength(0);
}

export function expectNewCertificateRemoved(mocks: Mocks, options: { detached: boolean }): void {
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
