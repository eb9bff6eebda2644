import { describe, expect, it } from 'vitest';
import { initialState, transition } from './transition.js';
import { JOB, SAMPLES, THING, at, decide, effects, rotation } from '../../test/support/fsm-fixtures.js';
import { CANCEL_TIMER, IN_PROGRESS, RESTART, ROLLBACK, START_TIMER, SUCCEEDED, UPDATE, failed } from '../../test/support/fsm-actions.js';

describe('GettingJob', () => {
  it('a queued rotation job: IN_PROGRESS', () => {
    const run = decide(at('GettingJob'), SAMPLES.getAcceptedQueued, { backupExists: false });
    expect(effects(run)).toEqual([CANCEL_TIMER, START_TIMER, { type: 'publish', topic: UPDATE, payload: IN_PROGRESS }]);
    expect(run.state).toEqual(at('UpdatingJob'));
  });

  it('with a backup but no IN_PROGRESS rotation job (abandoned while away): roll back and restart', () => {
    for (const sample of [SAMPLES.getAcceptedQueued, SAMPLES.getAcceptedEmpty, SAMPLES.getAcceptedOtherJob]) {
      const run = decide(at('GettingJob'), sample, { backupExists: true });
      expect(run.row).toBe('GettingJob.getAccepted.abandoned.backup');
      expect(effects(run)).toEqual([CANCEL_TIMER, ROLLBACK, RESTART]);
      expect(run.state.name).toBe('Stopped');
    }
  });

  it('an in-progress rotation job with a backup: commit', () => {
    const run = decide(at('GettingJob'), SAMPLES.getAcceptedInProgress, { backupExists: true });
    expect(effects(run)).toEqual([
      CANCEL_TIMER,
      START_TIMER,
      { type: 'publish', topic: `awslabs/things/${THING}/certificate/commit`, payload: `{"jobId":"${JOB}"}` },
    ]);
    expect(run.state).toEqual(at('CommittingCertificate'));
  });

  it('an in-progress rotation job without a backup: asks the backend whether it was committed', () => {
    const run = decide(
      at('GettingJob'),
      { type: 'getAccepted', topicJobId: '$next', execution: rotation('IN_PROGRESS', 'other-9') },
      { backupExists: false },
    );
    expect(effects(run)).toEqual([
      CANCEL_TIMER,
      START_TIMER,
      { type: 'publish', topic: `awslabs/things/${THING}/certificate/commit`, payload: '{"jobId":"other-9"}' },
    ]);
    expect(run.state).toEqual({ ...at('CommittingCertificate'), jobId: 'other-9' });
  });

  it('get/rejected with a backup rolls back and restarts (issue #68), without one goes Idle', () => {
    expect(effects(decide(at('GettingJob'), SAMPLES.getRejected, { backupExists: true }))).toEqual([CANCEL_TIMER, ROLLBACK, RESTART]);
    expect(effects(decide(at('GettingJob'), SAMPLES.getRejected, { backupExists: false }))).toEqual([CANCEL_TIMER]);
  });

  it('with a backup, any message but the reply to next/get is waited out, so the core never rests holding a backup', () => {
    for (const sample of [SAMPLES.notifyNextQueued, SAMPLES.updateAcceptedThisJob, SAMPLES.commitAccepted]) {
      const run = decide(at('GettingJob'), sample, { backupExists: true });
      expect(run.row).toBe('GettingJob.otherMessage.backup');
      expect(run.state).toEqual(at('GettingJob'));
      expect(effects(run)).toEqual([]);
    }
  });

  it('no pending job, or another kind of job: Idle', () => {
    expect(decide(at('GettingJob'), SAMPLES.getAcceptedEmpty, { backupExists: false }).state).toEqual(at('Idle'));
    expect(decide(at('GettingJob'), SAMPLES.getAcceptedOtherJob, { backupExists: false }).state).toEqual(at('Idle'));
  });

  it('timeout with a backup rolls back and restarts, without one goes Idle', () => {
    const withBackup = decide(at('GettingJob'), SAMPLES.timeout, { backupExists: true });
    expect(effects(withBackup)).toEqual([CANCEL_TIMER, ROLLBACK, RESTART]);
    expect(withBackup.state.name).toBe('Stopped');
    const without = decide(at('GettingJob'), SAMPLES.timeout, { backupExists: false });
    expect(effects(without)).toEqual([CANCEL_TIMER]);
    expect(without.state).toEqual(at('Idle'));
  });
});

describe('CommittingCertificate', () => {
  it('commit/accepted deletes the backup, then reports SUCCEEDED and waits for the answer', () => {
    const run = decide(at('CommittingCertificate'), SAMPLES.commitAccepted);
    expect(effects(run)).toEqual([CANCEL_TIMER, START_TIMER, { type: 'deleteBackup' }, SUCCEEDED]);
    expect(run.state).toEqual(at('ReportingSuccess'));
  });

  it('commit/rejected fails the job, rolls back, restarts', () => {
    const run = decide(at('CommittingCertificate'), SAMPLES.commitRejected, { backupExists: true });
    expect(effects(run)).toEqual([CANCEL_TIMER, failed('Commit was rejected. Rollback and restart.'), ROLLBACK, RESTART]);
    expect(run.state.name).toBe('Stopped');
  });

  it('timeout fails the job, rolls back, restarts', () => {
    const run = decide(at('CommittingCertificate'), SAMPLES.timeout, { backupExists: true });
    expect(effects(run)).toEqual([
      CANCEL_TIMER,
      failed('Comms failure when committing new certificate. Rollback and restart.'),
      ROLLBACK,
      RESTART,
    ]);
  });

  it('without a backup (a commit asked after a restart), a rejection or a timeout fails the job, with nothing to roll back', () => {
    const cases = [
      [SAMPLES.commitRejected, 'Commit was rejected. No backup to roll back to: the core keeps the certificate it uses.'],
      [SAMPLES.timeout, 'Comms failure when committing the certificate in use. No backup to roll back to: the core keeps it.'],
    ] as const;
    for (const [event, reason] of cases) {
      const run = decide(at('CommittingCertificate'), event, { backupExists: false });
      expect(effects(run)).toEqual([CANCEL_TIMER, failed(reason)]);
      expect(run.state).toEqual(at('Idle'));
    }
  });
});

describe('ReportingSuccess', () => {
  it('an answer either way ends the rotation', () => {
    for (const sample of [SAMPLES.updateAcceptedThisJob, SAMPLES.updateRejectedThisJob]) {
      const run = decide(at('ReportingSuccess'), sample);
      expect(effects(run)).toEqual([CANCEL_TIMER]);
      expect(run.state).toEqual(at('Idle'));
    }
  });

  it('no answer: SUCCEEDED once more, then rest', () => {
    const run = decide(at('ReportingSuccess'), SAMPLES.timeout);
    expect(effects(run)).toEqual([CANCEL_TIMER, SUCCEEDED]);
    expect(run.state).toEqual(at('Idle'));
  });

  it('the next rotation job announced meanwhile is taken', () => {
    const run = decide(at('ReportingSuccess'), SAMPLES.notifyNextQueued);
    expect(run.row).toBe('ReportingSuccess.notifyNext.queued');
    expect(run.state.name).toBe('UpdatingJob');
  });
});

describe('purity', () => {
  it('does not modify the state it is given and gives the same answer twice', () => {
    const state = Object.freeze(at('GettingJob'));
    const first = transition(state, SAMPLES.getAcceptedQueued);
    expect(transition(state, SAMPLES.getAcceptedQueued)).toEqual(first);
    expect(state).toEqual(at('GettingJob'));
  });

  it('a full rotation across a restart, driven by events alone', () => {
    let state = initialState(THING);
    const feed = (event: Parameters<typeof transition>[1], facts = {}) => {
      const run = decide(state, event, facts);
      state = run.state;
      return effects(run);
    };
    feed(SAMPLES.start, { backupExists: false });
    feed(SAMPLES.subscribed);
    feed(SAMPLES.getAcceptedEmpty, { backupExists: false });
    feed(SAMPLES.notifyNextQueued);
    feed(SAMPLES.updateAcceptedThisJob);
    feed(SAMPLES.csrCreated);
    feed(SAMPLES.createAccepted);
    expect(feed(SAMPLES.rotateDone)).toContainEqual(RESTART);
    expect(state.name).toBe('Stopped');

    state = initialState(THING);
    feed(SAMPLES.start, { backupExists: true, credentialsMatch: true });
    feed(SAMPLES.subscribed);
    feed(SAMPLES.getAcceptedInProgress, { backupExists: true });
    expect(feed(SAMPLES.commitAccepted)).toContainEqual(SUCCEEDED);
    feed(SAMPLES.updateAcceptedThisJob);
    expect(state).toEqual(at('Idle'));
  });
});
