import {
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  DescribeJobCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  GetJobDocumentCommand,
  ListPrincipalPoliciesCommand,
  ListThingPrincipalsV2Command,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, GetThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { PublishCommand } from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it } from 'vitest';
import { createJobExecutionTerminalHandler } from '../../src/handlers/job-execution-terminal-lambda.js';
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
  OTHER_ID,
  REGION,
  resetMocks,
  SHADOW_NAME,
  shadowDocument,
  SNS_TOPIC_ARN,
  THING,
  type FakeTime,
} from './support/harness.js';

const mocks = createMocks();
const SUBJECT = 'AWS Labs Certificate Rotator Notification';
const PREFIX = `Certificate rotation job execution for ${THING}`;
const MESSAGES = {
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

const event = (status: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
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

let time: FakeTime;
const handler = () =>
  createJobExecutionTerminalHandler({
    ...handlerSettings(time),
    snsTopicArn: SNS_TOPIC_ARN,
  });

const notifications = () =>
  mocks.sns.commandCalls(PublishCommand).map((call) => {
    const { TopicArn, Subject, Message } = call.args[0].input;
    expect(TopicArn).toBe(SNS_TOPIC_ARN);
    expect(Subject).toBe(SUBJECT);
    return Message;
  });

const deletedIds = () => mocks.iot.commandCalls(DeleteCertificateCommand).map((call) => call.args[0].input.certificateId);

function expectRetired(id: string): void {
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
    'DescribeCertificate',
    'UpdateCertificate',
    'DetachThingPrincipal',
    'ListPrincipalPolicies',
    'DetachPolicy',
    'DetachPolicy',
    'DeleteCertificate',
  ]);
}

function expectNothingDeleted(): void {
  expect(mocks.iot.commandCalls(UpdateCertificateCommand)).toHaveLength(0);
  expect(mocks.iot.commandCalls(DetachThingPrincipalCommand)).toHaveLength(0);
  expect(mocks.iot.commandCalls(DeleteCertificateCommand)).toHaveLength(0);
}

beforeEach(() => {
  time = fakeTime(10_000);
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

type Progress = 'none' | 'created' | 'committed' | 'malformed';

function arrangeShadow(progress: Progress): void {
  if (progress === 'none') return;
  const reported =
    progress === 'malformed'
      ? { progress: 'created', oldCertificateId: OLD_ID }
      : { progress, oldCertificateId: OLD_ID, newCertificateId: NEW_ID };
  mocks.data.on(GetThingShadowCommand).resolves(shadowDocument(reported));
}

describe('job-execution-terminal: every status and progress', () => {
  // What becomes of the shadow: deleted, left for the next rotation to settle, or marked unsettled.
  type Shadow = 'deleted' | 'kept' | 'unsettled';
  const table: [string, Progress, string | undefined, string[], Shadow][] = [
    ['SUCCEEDED', 'committed', OLD_ID, [], 'deleted'],
    ['SUCCEEDED', 'created', undefined, [MESSAGES.succeededContradicting], 'deleted'],
    ['SUCCEEDED', 'none', undefined, [MESSAGES.succeededContradicting], 'kept'],
    ['SUCCEEDED', 'malformed', undefined, [MESSAGES.succeededContradicting], 'deleted'],
    ['FAILED', 'created', NEW_ID, [MESSAGES.failed], 'deleted'],
    ['FAILED', 'committed', undefined, [MESSAGES.unsettled('FAILED')], 'unsettled'],
    ['FAILED', 'none', undefined, [MESSAGES.failed], 'kept'],
    ['FAILED', 'malformed', undefined, [MESSAGES.failed], 'deleted'],
    ['TIMED_OUT', 'committed', undefined, [MESSAGES.unsettled('TIMED OUT')], 'unsettled'],
    ['TIMED_OUT', 'created', NEW_ID, [MESSAGES.timedOut], 'deleted'],
    ['TIMED_OUT', 'none', undefined, [MESSAGES.timedOut], 'kept'],
    ['TIMED_OUT', 'malformed', undefined, [MESSAGES.timedOut], 'deleted'],
    ['CANCELED', 'created', undefined, [], 'kept'],
    ['CANCELED', 'committed', undefined, [], 'kept'],
    ['REJECTED', 'created', undefined, [], 'kept'],
    ['REMOVED', 'none', undefined, [], 'kept'],
  ];

  it.each(table)('%s with progress %s', async (status, progress, deleted, messages, shadow) => {
    arrangeShadow(progress);
    await handler()(event(status), time.context);

    expect(notifications()).toEqual(messages);
    if (deleted === undefined) expectNothingDeleted();
    else expectRetired(deleted);
    expect(mocks.data.commandCalls(GetThingShadowCommand)[0]?.args[0].input).toEqual({ thingName: THING, shadowName: SHADOW_NAME });
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(shadow === 'deleted' ? 1 : 0);
    const written = mocks.data
      .commandCalls(UpdateThingShadowCommand)
      .map((c) => JSON.parse(Buffer.from(c.args[0].input.payload as Uint8Array).toString('utf8')) as unknown);
    expect(written).toEqual(
      shadow === 'unsettled'
        ? [{ state: { reported: { progress: 'unsettled', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: JOB_ID } } }]
        : [],
    );
    expect(mocks.iot.commandCalls(GetJobDocumentCommand)[0]?.args[0].input).toEqual({ jobId: JOB_ID });
  });
});

describe('job-execution-terminal after a commit: the core says which certificate it keeps', () => {
  const failedWith = (details: Record<string, unknown>, status = 'FAILED') =>
    event(status, { statusDetails: { CertificateRotator: true, ...details } });

  it.each([
    [
      'names the old certificate',
      failedWith({
        DeviceFailureReason: 'Comms failure when committing new certificate. Rollback and restart.',
        KeptCertificateId: OLD_ID,
      }),
      NEW_ID,
      MESSAGES.failed,
    ],
    [
      'names the new certificate',
      failedWith({
        DeviceFailureReason: 'Comms failure when committing the certificate in use. No backup to roll back to: the core keeps it.',
        KeptCertificateId: NEW_ID,
      }),
      OLD_ID,
      MESSAGES.keptNew('FAILED'),
    ],
    [
      'is the original, rolling back after a rejected commit',
      failedWith({ DeviceFailureReason: 'Commit was rejected. Rollback and restart.' }),
      NEW_ID,
      MESSAGES.failed,
    ],
    [
      'is the original, rolling back after a commit timeout',
      failedWith({ DeviceFailureReason: 'Comms failure when committing new certificate. Rollback and restart.' }),
      NEW_ID,
      MESSAGES.failed,
    ],
  ])('when it %s, the other certificate goes', async (_name, ended, retired, message) => {
    arrangeShadow('committed');
    await handler()(ended, time.context);
    expectRetired(retired);
    expect(notifications()).toEqual([message]);
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(1);
    expect(mocks.data.commandCalls(UpdateThingShadowCommand)).toHaveLength(0);
  });

  it.each([
    [
      "the original's claim of a rollback without a backup",
      failedWith({ DeviceFailureReason: 'Rollback completed after comms failure with new certificate.' }),
    ],
    ['a certificate that is neither of the two', failedWith({ KeptCertificateId: OTHER_ID })],
    ['a reason that proves nothing', failedWith({ DeviceFailureReason: 'Create was rejected.' })],
  ])('keeps both and marks the rotation unsettled on %s', async (_name, ended) => {
    arrangeShadow('committed');
    await handler()(ended, time.context);
    expectNothingDeleted();
    expect(notifications()).toEqual([MESSAGES.unsettled('FAILED')]);
    expect(mocks.data.commandCalls(UpdateThingShadowCommand)).toHaveLength(1);
  });
});

describe('job-execution-terminal records of other jobs', () => {
  it('leaves the record of another job alone', async () => {
    mocks.data
      .on(GetThingShadowCommand)
      .resolves(shadowDocument({ progress: 'unsettled', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: 'earlier-job' }));
    await handler()(event('FAILED'), time.context);
    expectNothingDeleted();
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(0);
    expect(notifications()).toEqual([MESSAGES.failed]);
  });

  const arrangeOneCertificate = (issued: Date) => {
    mocks.iot.on(ListThingPrincipalsV2Command).resolves({ thingPrincipalObjects: [{ principal: certArn(NEW_ID) }] });
    mocks.iot
      .on(DescribeCertificateCommand, { certificateId: NEW_ID })
      .resolves({ certificateDescription: { certificateId: NEW_ID, status: 'ACTIVE', creationDate: issued } });
    mocks.iot.on(DescribeJobCommand).resolves({ job: { jobId: 'job-1', createdAt: new Date('2026-11-01T10:00:00Z') } });
  };

  it('says nothing of a repeated SUCCEEDED event once the thing holds one certificate, issued during the job', async () => {
    arrangeOneCertificate(new Date('2026-11-01T10:02:00Z'));
    await handler()(event('SUCCEEDED'), time.context);
    expectNothingDeleted();
    expect(notifications()).toEqual([]);
  });

  it('tells of a SUCCEEDED execution whose thing still holds a certificate older than the job', async () => {
    arrangeOneCertificate(new Date('2026-10-01T10:00:00Z'));
    await handler()(event('SUCCEEDED'), time.context);
    expectNothingDeleted();
    expect(notifications()).toEqual([expect.stringMatching(/SUCCEEDED but rotation progress was contradicting/)]);
  });
});

describe('job-execution-terminal job validation', () => {
  it.each([
    ['another document', () => mocks.iot.on(GetJobDocumentCommand).resolves({ document: '{"operation":"OTHER"}' })],
    ['no job', () => mocks.iot.on(GetJobDocumentCommand).rejects(awsError('ResourceNotFoundException', 404))],
  ])('notifies an invalid job (%s) and cleans nothing up', async (_name, arrange) => {
    arrange();
    arrangeShadow('committed');
    await handler()(event('SUCCEEDED'), time.context);
    expect(notifications()).toEqual([MESSAGES.invalidJob]);
    expectNothingDeleted();
    expect(commandOrder(mocks.iot, mocks.data).filter((name) => name !== 'DescribeEndpoint')).toEqual([
      'GetThingShadow',
      'GetJobDocument',
      'DeleteThingShadow',
    ]);
  });
});

describe('job-execution-terminal certificate deletion', () => {
  it.each([
    ['one principal', [certArn(OLD_ID)]],
    ['three principals', [certArn(OLD_ID), certArn(NEW_ID), certArn(OTHER_ID)]],
    ['two principals without the certificate', [certArn(NEW_ID), certArn(OTHER_ID)]],
    ['a principal that is not a certificate', [certArn(OLD_ID), `${REGION}:cognito-identity`]],
  ])('leaves the certificate when the thing has %s', async (_name, arns) => {
    mocks.iot.on(ListThingPrincipalsV2Command).resolves({ thingPrincipalObjects: arns.map((principal) => ({ principal })) });
    arrangeShadow('committed');
    await handler()(event('SUCCEEDED'), time.context);
    expectNothingDeleted();
    expect(mocks.iot.commandCalls(DescribeCertificateCommand)).toHaveLength(0);
    expect(notifications()).toEqual([]);
  });

  it('does not deactivate a certificate that is already inactive', async () => {
    mocks.iot
      .on(DescribeCertificateCommand, { certificateId: NEW_ID })
      .resolves({ certificateDescription: { certificateArn: certArn(NEW_ID), status: 'INACTIVE' } });
    arrangeShadow('created');
    await handler()(event('FAILED'), time.context);
    expect(mocks.iot.commandCalls(UpdateCertificateCommand)).toHaveLength(0);
    expect(deletedIds()).toEqual([NEW_ID]);
  });

  it('retries DeleteCertificate while the detach propagates', async () => {
    mocks.iot
      .on(DeleteCertificateCommand)
      .rejectsOnce(awsError('DeleteConflictException', 409))
      .rejectsOnce(awsError('DeleteConflictException', 409))
      .resolves({});
    arrangeShadow('committed');
    await handler()(event('SUCCEEDED'), time.context);
    expect(deletedIds()).toEqual([OLD_ID, OLD_ID, OLD_ID]);
    expect(time.sleeps).toEqual([375, 750]);
    expect(notifications()).toEqual([]);
  });

  it.each([UpdateCertificateCommand, DeleteCertificateCommand])(
    'treats a certificate already deleted by someone else as deleted (%o)',
    async (command) => {
      mocks.iot.on(command as new (input: object) => unknown).rejects(awsError('ResourceNotFoundException', 404));
      arrangeShadow('created');
      await handler()(event('FAILED'), time.context);
      expect(notifications()).toEqual([MESSAGES.failed]);
    },
  );

  it('notifies the operator when the delete keeps conflicting until the budget runs out', async () => {
    mocks.iot.on(DeleteCertificateCommand).rejects(awsError('DeleteConflictException', 409));
    arrangeShadow('committed');
    await handler()(event('SUCCEEDED'), time.context);
    const messages = notifications();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      new RegExp(
        `^${PREFIX} SUCCEEDED: certificate clean-up did not complete \\(DeleteCertificate still failed with DeleteConflictException after \\d+ attempts`,
      ),
    );
  });
});

describe('job-execution-terminal under throttling', () => {
  it('retries throttled calls and completes', async () => {
    mocks.iot.on(GetJobDocumentCommand).rejectsOnce(awsError('ThrottlingException')).resolves({ document: JOB_DOCUMENT });
    mocks.iot.on(DetachThingPrincipalCommand).rejectsOnce(awsError('ThrottlingException')).resolves({});
    arrangeShadow('committed');
    await handler()(event('SUCCEEDED'), time.context);
    expect(deletedIds()).toEqual([OLD_ID]);
    expect(time.sleeps).toEqual([75, 75]);
  });

  it('notifies the operator when throttling outlasts the budget', async () => {
    mocks.iot.on(ListThingPrincipalsV2Command).rejects(awsError('ThrottlingException'));
    arrangeShadow('created');
    await handler()(event('FAILED'), time.context);
    const messages = notifications();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      new RegExp(`^${PREFIX} FAILED: certificate clean-up did not complete \\(AWS throttling: ListThingPrincipalsV2`),
    );
  });
});

describe('job-execution-terminal shadow handling', () => {
  it('still cleans up when the shadow was read but could not be deleted', async () => {
    mocks.data.on(DeleteThingShadowCommand).rejects(awsError('UnauthorizedException', 401));
    arrangeShadow('created');
    await handler()(event('FAILED'), time.context);
    expect(deletedIds()).toEqual([NEW_ID]);
    expect(notifications()).toEqual([MESSAGES.failed]);
  });
});

describe('job-execution-terminal event validation', () => {
  it.each([
    ['no thingArn', event('FAILED', { thingArn: undefined })],
    ['a thingArn that names no thing', event('FAILED', { thingArn: 'arn:aws:iot:eu-west-1:123456789012:cert/abc' })],
    ['no jobId', event('FAILED', { jobId: undefined })],
    ['no status', event('FAILED', { status: undefined })],
    ['not an object', 'FAILED'],
  ])('logs and drops an event with %s', async (_name, bad) => {
    await handler()(bad, time.context);
    expect(commandOrder(mocks.iot, mocks.data, mocks.sns)).toEqual([]);
  });
});
