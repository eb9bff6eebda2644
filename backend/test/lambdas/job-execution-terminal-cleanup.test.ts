import {
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  DetachThingPrincipalCommand,
  GetJobDocumentCommand,
  ListThingPrincipalsV2Command,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, GetThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { describe, expect, it } from 'vitest';
import {
  awsError,
  certArn,
  commandOrder,
  JOB_DOCUMENT,
  JOB_ID,
  NEW_ID,
  OLD_ID,
  OTHER_ID,
  REGION,
  retrySleeps,
  shadowDocument,
  throttledRetries,
} from './support/harness.js';
import { DELETE_CONFLICT_DELAYS } from '../../src/aws/certificate-retirement.js';

import {
  arrangeShadow,
  deletedIds,
  event,
  expectNothingDeleted,
  handler,
  MESSAGES,
  mocks,
  notifications,
  PREFIX,
  time,
  useTerminalWorld,
} from './support/terminal-world.js';

useTerminalWorld();

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

  it('detaches and deletes a certificate that cannot be set inactive (revoked), without asking for its status first', async () => {
    mocks.iot.on(UpdateCertificateCommand).rejects(awsError('CertificateStateException', 406));
    arrangeShadow('created');
    await handler()(event('FAILED'), time.context);
    expect(mocks.iot.commandCalls(DescribeCertificateCommand)).toHaveLength(0);
    expect(mocks.iot.commandCalls(DetachThingPrincipalCommand).map((c) => c.args[0].input.principal)).toEqual([certArn(NEW_ID)]);
    expect(deletedIds()).toEqual([NEW_ID]);
    expect(notifications()).toEqual([MESSAGES.failed]);
  });

  it("leaves the rotation record when the core's next job has claimed it during the clean-up", async () => {
    const record = { oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: JOB_ID };
    mocks.data
      .on(GetThingShadowCommand)
      .resolvesOnce(shadowDocument({ progress: 'created', ...record }))
      .resolves(shadowDocument({ jobId: 'next-rotation', oldCertificateId: OLD_ID }));
    await handler()(event('FAILED'), time.context);
    expect(deletedIds()).toEqual([NEW_ID]);
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(0);
    expect(notifications()).toEqual([MESSAGES.failed]);
  });

  it('deletes its own rotation record once the clean-up is done', async () => {
    mocks.data
      .on(GetThingShadowCommand)
      .resolves(shadowDocument({ progress: 'created', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: JOB_ID }));
    await handler()(event('FAILED'), time.context);
    expect(deletedIds()).toEqual([NEW_ID]);
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(1);
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
    expect(time.sleeps).toEqual(retrySleeps(DELETE_CONFLICT_DELAYS, DELETE_CONFLICT_DELAYS));
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

  it('notifies the operator, and keeps the record, when the delete keeps conflicting until the budget runs out', async () => {
    mocks.iot.on(DeleteCertificateCommand).rejects(awsError('DeleteConflictException', 409));
    arrangeShadow('committed');
    await handler()(event('SUCCEEDED'), time.context);
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(0);
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
    expect(time.sleeps).toEqual(retrySleeps(...throttledRetries(2)));
  });

  it.each([
    ['FAILED', 'created'],
    ['TIMED_OUT', 'created'],
    ['SUCCEEDED', 'committed'],
  ] as const)(
    'keeps the rotation record and notifies the operator when throttling outlasts the budget (%s, %s)',
    async (status, progress) => {
      mocks.iot.on(ListThingPrincipalsV2Command).rejects(awsError('ThrottlingException'));
      arrangeShadow(progress);
      await handler()(event(status), time.context);
      const messages = notifications();
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(
        new RegExp(`^${PREFIX} ${status}: certificate clean-up did not complete \\(AWS throttling: ListThingPrincipalsV2`),
      );
      expect(messages[0]).toContain("the device's next rotation job retires the certificate the device does not use");
      // The record names the pair, so the core's next create request settles it.
      expectNothingDeleted();
      expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(0);
    },
  );
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
