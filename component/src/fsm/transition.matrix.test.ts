import { describe, expect, it } from 'vitest';
import { transition } from './transition.js';
import { SAMPLES, at, decide, type SampleName } from '../../test/support/fsm-fixtures.js';
import { STATE_NAMES, type RotatorEvent, type StateName } from './types.js';

/** Row applied, per backup answer when the row depends on it; null = ignored. */
type Expected = string | { backup: string | null; noBackup: string } | null;

/** Every state but Starting, which handles only its start-up facts. */
const RESTING_STATES = STATE_NAMES.filter((name): name is Exclude<StateName, 'Starting'> => name !== 'Starting');

const HANDLED: Record<(typeof RESTING_STATES)[number], Partial<Record<SampleName, Expected>>> = {
  Idle: {
    timeout: 'Idle.timeout',
    notifyNextQueued: 'Idle.notifyNext.queued',
  },
  UpdatingJob: {
    timeout: 'UpdatingJob.timeout',
    updateAcceptedThisJob: 'UpdatingJob.updateAccepted',
    updateRejectedThisJob: 'UpdatingJob.updateRejected',
  },
  CreatingCertificate: {
    timeout: 'CreatingCertificate.timeout',
    createAccepted: 'CreatingCertificate.createAccepted',
    createRejected: 'CreatingCertificate.createRejected',
  },
  GettingJob: {
    timeout: { backup: 'GettingJob.timeout.backup', noBackup: 'GettingJob.timeout' },
    // With a backup, a reply without our IN_PROGRESS rotation means the job was abandoned: roll back.
    getAcceptedQueued: { backup: 'GettingJob.getAccepted.abandoned.backup', noBackup: 'GettingJob.getAccepted.queued' },
    getAcceptedInProgress: { backup: 'GettingJob.getAccepted.inProgress.backup', noBackup: 'GettingJob.getAccepted.inProgress' },
    getRejected: { backup: 'GettingJob.getRejected.backup', noBackup: 'GettingJob.otherMessage' },
    // A queued rotation announced while starting is taken when no rotation is being resumed.
    notifyNextQueued: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.notifyNext.queued' },
    // "Any other message" resets to Idle, as in the original, unless a backup awaits the reply.
    notifyNextInProgress: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
    notifyNextOtherJob: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
    notifyNextNoDocument: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
    notifyNextEmpty: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
    getAcceptedOtherJob: { backup: 'GettingJob.getAccepted.abandoned.backup', noBackup: 'GettingJob.otherMessage' },
    getAcceptedEmpty: { backup: 'GettingJob.getAccepted.abandoned.backup', noBackup: 'GettingJob.otherMessage' },
    updateAcceptedThisJob: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
    updateAcceptedOtherJob: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
    updateRejectedThisJob: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
    updateRejectedOtherJob: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
    createAccepted: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
    createRejected: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
    commitAccepted: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
    commitRejected: { backup: 'GettingJob.otherMessage.backup', noBackup: 'GettingJob.otherMessage' },
  },
  CommittingCertificate: {
    timeout: { backup: 'CommittingCertificate.timeout', noBackup: 'CommittingCertificate.timeout.noBackup' },
    commitAccepted: 'CommittingCertificate.commitAccepted',
    commitRejected: { backup: 'CommittingCertificate.commitRejected', noBackup: 'CommittingCertificate.commitRejected.noBackup' },
  },
  ReportingSuccess: {
    timeout: 'ReportingSuccess.timeout',
    updateAcceptedThisJob: 'ReportingSuccess.updateAccepted',
    updateRejectedThisJob: 'ReportingSuccess.updateRejected',
    notifyNextQueued: 'ReportingSuccess.notifyNext.queued',
  },
  Stopped: {},
};

describe('every event in every resting state', () => {
  for (const name of RESTING_STATES) {
    for (const sample of Object.keys(SAMPLES) as SampleName[]) {
      const entry = HANDLED[name][sample] ?? null;
      for (const backup of [true, false]) {
        const expected = entry === null || typeof entry === 'string' ? entry : backup ? entry.backup : entry.noBackup;
        const label = `${name} + ${sample} (${backup ? 'backup' : 'no backup'})`;
        it(`${label} -> ${expected ?? 'ignored'}`, () => {
          const state = at(name);
          const event: RotatorEvent = SAMPLES[sample];
          const run = decide(state, event, { backupExists: backup, credentialsMatch: true });
          if (expected === null) {
            expect(run.state).toEqual(state);
            expect(run.actions).toEqual([]);
            expect(run.row).toBeUndefined();
          } else {
            expect(run.row).toBe(expected);
          }
        });
      }
    }
  }
});

describe('while an answer is awaited, everything else is ignored', () => {
  const awaiting = [
    { kind: 'start', state: 'Starting', accepts: ['start'] },
    { kind: 'subscribe', state: 'Starting', accepts: ['subscribed', 'subscribeFailed'] },
    { kind: 'resubscribe', state: 'Starting', accepts: ['resubscribe'] },
    { kind: 'csr', state: 'UpdatingJob', accepts: ['csrCreated', 'csrFailed'] },
    { kind: 'rotate', state: 'CreatingCertificate', accepts: ['rotateDone', 'rotateFailed', 'rotateRefused'] },
  ] as const;
  for (const { kind, state: name, accepts } of awaiting) {
    it(`awaiting ${kind} in ${name}`, () => {
      const state = { ...at(name), awaiting: kind };
      for (const [sample, event] of Object.entries(SAMPLES) as [SampleName, RotatorEvent][]) {
        const result = transition(state, event);
        if ((accepts as readonly string[]).includes(event.type)) {
          expect(result.state, sample).not.toEqual(state);
        } else {
          expect(result, sample).toEqual({ state, actions: [] });
        }
      }
    });
  }

  it('awaiting a fact, only the answer to that question counts', () => {
    const asking = transition(at('GettingJob'), SAMPLES.timeout);
    expect(asking.actions).toEqual([{ type: 'queryFact', fact: 'backupExists' }]);
    expect(asking.state.awaiting).toBe('fact');
    for (const [sample, event] of Object.entries(SAMPLES) as [SampleName, RotatorEvent][]) {
      if (sample === 'factBackup') continue;
      expect(transition(asking.state, event), sample).toEqual({ state: asking.state, actions: [] });
    }
    expect(transition(asking.state, SAMPLES.factBackup).row).toBe('GettingJob.timeout.backup');
  });
});
