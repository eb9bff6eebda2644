/** The mocked AWS world of the job-execution-terminal tests, shared by their files. */
import {
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  GetJobDocumentCommand,
  ListPrincipalPoliciesCommand,
  ListThingPrincipalsV2Command,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, GetThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { PublishCommand } from '@aws-sdk/client-sns';
import { beforeEach, expect } from 'vitest';
import { createJobExecutionTerminalHandler } from '../../../src/handlers/job-execution-terminal-lambda.js';
import {
  ACCOUNT,
  awsError,
  certArn,
  commandOrder,
  createMocks,
  fakeTime,
  handlerSettings,
  JOB_DOCUMENT,
  JOB_ID,
  NEW_ID,
  OLD_ID,
  REGION,
  resetMocks,
  shadowDocument,
  SNS_TOPIC_ARN,
  THING,
  type FakeTime,
} from './harness.js';

export const mocks = createMocks();
const SUBJECT = 'AWS Labs Certificate Rotator Notification';
export const PREFIX = `Certificate rotation job execution for ${THING}`;
export const MESSAGES = {
  invalidJob: `${PREFIX}: INVALID job. Certificates were not cleaned up.`,
  succeededContradicting: `${PREFIX} SUCCEEDED but rotation progress was contradicting. Check core device logs for details. Old certificate was not deleted.`,
  failed: `${PREFIX} FAILED. Core device detected an error. Check job execution status details and core device logs.Old certificate is still active.`,
  unsettled: (status: 'FAILED' | 'TIMED OUT') =>
    `${PREFIX} ${status} after commit. It is not yet known whether the device rotated to the new certificate or rolled back to the old, so both certificates stay active. The next rotation job of this device settles it without an operator: the certificate the device does not use is then deleted.`,
  keptNew: (status: 'FAILED' | 'TIMED OUT') =>
    `${PREFIX} ${status} after commit, but the device kept the new certificate. The old certificate was deleted. Check job execution status details and core device logs.`,
  timedOut: `${PREFIX} TIMED OUT. The device went offline during the rotation. Rotation cancelled. Old certificate is still active.`,
};
const POLICIES = ['GreengrassV2IoTThingPolicy', 'GreengrassTESCertificatePolicy'];

export const event = (status: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  eventType: 'JOB_EXECUTION',
  eventId: 'e-1',
  timestamp: 1_700_000_000,
  operation: 'succeeded',
  jobId: JOB_ID,
  thingArn: `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${THING}`,
  status,
  statusDetails: { CertificateRotator: 'true' },
  ...overrides,
});

/** The fake time of the current test: refreshed before each one, read by the handler it builds. */
export const time: FakeTime = fakeTime(10_000);
export const handler = () =>
  createJobExecutionTerminalHandler({
    ...handlerSettings(time),
    snsTopicArn: SNS_TOPIC_ARN,
  });

export const notifications = () =>
  mocks.sns.commandCalls(PublishCommand).map((call) => {
    const { TopicArn, Subject, Message } = call.args[0].input;
    expect(TopicArn).toBe(SNS_TOPIC_ARN);
    expect(Subject).toBe(SUBJECT);
    return Message;
  });

export const deletedIds = () => mocks.iot.commandCalls(DeleteCertificateCommand).map((call) => call.args[0].input.certificateId);

export function expectRetired(id: string): void {
  expect(mocks.iot.commandCalls(UpdateCertificateCommand).map((c) => c.args[0].input)).toEqual([
    { certificateId: id, newStatus: 'INACTIVE' },
  ]);
  expect(mocks.iot.commandCalls(DetachThingPrincipalCommand).map((c) => c.args[0].input)).toEqual([
    { thingName: THING, principal: certArn(id) },
  ]);
  expect(mocks.iot.commandCalls(ListPrincipalPoliciesCommand).map((c) => c.args[0].input)).toEqual([{ principal: certArn(id) }]);
  expect(mocks.iot.commandCalls(DetachPolicyCommand).map((c) => c.args[0].input)).toEqual(
    POLICIES.map((policyName) => ({ policyName, target: certArn(id) })),
  );
  expect(deletedIds()).toEqual([id]);
  expect(commandOrder(mocks.iot).filter((name) => name !== 'DescribeEndpoint' && name !== 'GetJobDocument')).toEqual([
    'ListThingPrincipalsV2',
    'UpdateCertificate',
    'DetachThingPrincipal',
    'ListPrincipalPolicies',
    'DetachPolicy',
    'DetachPolicy',
    'DeleteCertificate',
  ]);
}

export function expectNothingDeleted(): void {
  expect(mocks.iot.commandCalls(UpdateCertificateCommand)).toHaveLength(0);
  expect(mocks.iot.commandCalls(DetachThingPrincipalCommand)).toHaveLength(0);
  expect(mocks.iot.commandCalls(DeleteCertificateCommand)).toHaveLength(0);
}

/** Registers the arrangement every job-execution-terminal test starts from. */
export function useTerminalWorld(): void {
  beforeEach(() => {
    Object.assign(time, fakeTime(10_000));
    resetMocks(mocks);
    mocks.data.on(GetThingShadowCommand).rejects(awsError('ResourceNotFoundException', 404));
    mocks.data.on(DeleteThingShadowCommand).resolves({});
    mocks.data.on(UpdateThingShadowCommand).resolves({});
    mocks.iot.on(GetJobDocumentCommand).resolves({ document: JOB_DOCUMENT });
    mocks.iot
      .on(ListThingPrincipalsV2Command)
      .resolves({ thingPrincipalObjects: [{ principal: certArn(OLD_ID) }, { principal: certArn(NEW_ID) }] });
    for (const id of [OLD_ID, NEW_ID]) {
      mocks.iot
        .on(DescribeCertificateCommand, { certificateId: id })
        .resolves({ certificateDescription: { certificateId: id, certificateArn: certArn(id), status: 'ACTIVE' } });
    }
    mocks.iot.on(UpdateCertificateCommand).resolves({});
    mocks.iot.on(DetachThingPrincipalCommand).resolves({});
    mocks.iot.on(ListPrincipalPoliciesCommand).resolves({ policies: POLICIES.map((policyName) => ({ policyName })) });
    mocks.iot.on(DetachPolicyCommand).resolves({});
    mocks.iot.on(DeleteCertificateCommand).resolves({});
    mocks.sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });
}

export type Progress = 'none' | 'created' | 'committed' | 'malformed';

export function arrangeShadow(progress: Progress): void {
  if (progress === 'none') return;
  const reported =
    progress === 'malformed'
      ? { progress: 'created', oldCertificateId: OLD_ID }
      : { progress, oldCertificateId: OLD_ID, newCertificateId: NEW_ID };
  mocks.data.on(GetThingShadowCommand).resolves(shadowDocument(reported));
}
