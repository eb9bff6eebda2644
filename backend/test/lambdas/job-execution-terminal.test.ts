import { DescribeCertificateCommand, DescribeJobCommand, GetJobDocumentCommand, ListThingPrincipalsV2Command } from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, GetThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { describe, expect, it } from 'vitest';
import {
  awsError,
  certArn,
  commandOrder,
  JOB_ID,
  NEW_ID,
  OLD_ID,
  OTHER_ID,
  SHADOW_NAME,
  shadowDocument,
  THING,
} from './support/harness.js';

import {
  arrangeShadow,
  event,
  expectNothingDeleted,
  expectRetired,
  handler,
  MESSAGES,
  mocks,
  notifications,
  time,
  useTerminalWorld,
  type Progress,
} from './support/terminal-world.js';

useTerminalWorld();

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
      'GetThingShadow',
      'DeleteThingShadow',
    ]);
  });

  it("asks for a rotation job's document once for the events of its many executions, and for a job that is not one each time", async () => {
    const terminal = handler();
    for (const thing of ['core-1', 'core-2', 'core-3']) {
      await terminal(event('FAILED', { thingArn: `arn:aws:iot:eu-west-1:123456789012:thing/${thing}` }), time.context);
    }
    expect(mocks.iot.commandCalls(GetJobDocumentCommand)).toHaveLength(1);
    mocks.iot.on(GetJobDocumentCommand).resolves({ document: '{"operation":"OTHER"}' });
    await terminal(event('FAILED', { jobId: 'other-job' }), time.context);
    await terminal(event('FAILED', { jobId: 'other-job' }), time.context);
    expect(mocks.iot.commandCalls(GetJobDocumentCommand)).toHaveLength(3);
    expect(notifications().filter((n) => n === MESSAGES.invalidJob)).toHaveLength(2);
  });
});
