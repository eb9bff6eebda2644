import { describe, expect, it } from 'vitest';
import { initialState, transition } from './transition.js';
import { FAILURE_REASONS } from './actions.js';
import { JOB, SAMPLES, THING, at, decide, effects, rotation } from '../../test/support/fsm-fixtures.js';
import type { Action } from './types.js';

const UPDATE = `$aws/things/${THING}/jobs/${JOB}/update`;
const IN_PROGRESS = '{"status":"IN_PROGRESS","statusDetails":{"CertificateRotator":true}}';
const failed = (reason: string): Action => ({ type: 'publishFailed', topic: UPDATE, reason });
const SUCCEEDED: Action = { type: 'publish', topic: UPDATE, payload: '{"status":"SUCCEEDED"}' };
const START_TIMER: Action = { type: 'startTimer', ms: 30_000 };
const CANCEL_TIMER: Action = { type: 'cancelTimer' };
const ROLLBACK: Action = { type: 'rollback' };
const RESTART: Action = { type: 'restart' };

describe('start-up', () => {
  it('starts in Starting, waiting for start', () => {
    expect(initialState(THING)).toEqual({ thingName: THING, name: 'Starting', awaiting: 'start' });
  });

  it('without a backup subscribes without asking whether credentials match', () => {
    const run = decide(initialState(THING), SAMPLES.start, { backupExists: false });
    expect(run.asked).toEqual(['backupExists']);
    expect(effects(run)).toEqual([{ type: 'subscribe' }]);
    expect(run.state).toEqual({ thingName: THING, name: 'Starting', awaiting: 'subscribe' });
  });

  it('with a backup and matching credentials subscribes', () => {
    const run = decide(initialState(THING), SAMPLES.start, { backupExists: true, credentialsMatch: true });
    expect(run.asked).toEqual(['backupExists', 'credentialsMatch']);
    expect(run.row).toBe('Starting.start');
  });

  it('with a backup and mismatched credentials (interrupted install) rolls back and restarts at once', () => {
    const run = decide(initialState(THING), SAMPLES.start, { backupExists: true, credentialsMatch: false });
    expect(effects(run)).toEqual([ROLLBACK, RESTART]);
    expect(run.state.name).toBe('Stopped');
  });

  it('once subscribed goes to GettingJob and asks for the next job', () => {
    const run = decide({ ...initialState(THING), awaiting: 'subscribe' }, SAMPLES.subscribed);
    expect(run.actions).toEqual([START_TIMER, { type: 'publish', topic: `$aws/things/${THING}/jobs/$next/get`, payload: '{}' }]);
    expect(run.state).toEqual({ thingName: THING, name: 'GettingJob' });
  });

  it('a failed subscription with a backup rolls back and restarts', () => {
    const run = decide({ ...initialState(THING), awaiting: 'subscribe' }, SAMPLES.subscribeFailed, { backupExists: true });
    expect(effects(run)).toEqual([ROLLBACK, RESTART]);
    expect(run.state.name).toBe('Stopped');
  });

  it('a failed subscription without a backup retries after 10 s', () => {
    const run = decide({ ...initialState(THING), awaiting: 'subscribe' }, SAMPLES.subscribeFailed, { backupExists: false });
    expect(effects(run)).toEqual([{ type: 'scheduleResubscribe', ms: 10_000 }]);
    expect(run.state.awaiting).toBe('resubscribe');
    const retry = decide(run.state, SAMPLES.resubscribe);
    expect(retry.actions).toEqual([{ type: 'subscribe' }]);
    expect(retry.state.awaiting).toBe('subscribe');
  });
});

describe('Idle', () => {
  it('notify-next with a queued rotation job: IN_PROGRESS for that job', () => {
    const run = decide(at('Idle'), SAMPLES.notifyNextQueued);
    expect(run.actions).toEqual([START_TIMER, { type: 'publish', topic: UPDATE, payload: IN_PROGRESS }]);
    expect(run.state).toEqual({ thingName: THING, name: 'UpdatingJob', jobId: JOB });
  });

  it('timeout does nothing', () => {
    expect(decide(at('Idle'), SAMPLES.timeout)).toMatchObject({ state: at('Idle'), actions: [], row: 'Idle.timeout' });
  });
});

describe('UpdatingJob', () => {
  it('update/accepted for this job creates the CSR, then publishes create', () => {
    const creating = decide(at('UpdatingJob'), SAMPLES.updateAcceptedThisJob);
    expect(creating.actions).toEqual([{ type: 'createCsr' }]);
    expect(creating.state).toEqual({ ...at('UpdatingJob'), awaiting: 'csr' });
    const created = decide(creating.state, { type: 'csrCreated', csr: '-----BEGIN CERTIFICATE REQUEST-----\nAB\n' });
    expect(created.actions).toEqual([
      CANCEL_TIMER,
      START_TIMER,
      {
        type: 'publish',
        topic: `awslabs/things/${THING}/certificate/create`,
        payload: `{"jobId":"${JOB}","csr":"-----BEGIN CERTIFICATE REQUEST-----\\nAB\\n"}`,
      },
    ]);
    expect(created.state).toEqual(at('CreatingCertificate'));
  });

  it('a failed CSR, or unsupported algorithms, fail the job with the original reason and log the detail', () => {
    for (const unsupported of [true, false]) {
      const run = decide({ ...at('UpdatingJob'), awaiting: 'csr' }, { type: 'csrFailed', reason: 'P-521 not on this HSM', unsupported });
      expect(effects(run)).toEqual([CANCEL_TIMER, failed('Error creating the CSR.')]);
      expect(run.actions).toContainEqual(
        expect.objectContaining({ type: 'log', level: 'error', fields: { reason: 'P-521 not on this HSM' } }),
      );
      expect(run.state).toEqual(at('Idle'));
    }
  });

  it('update/rejected for this job goes back to Idle', () => {
    const run = decide(at('UpdatingJob'), SAMPLES.updateRejectedThisJob);
    expect(effects(run)).toEqual([CANCEL_TIMER]);
    expect(run.state).toEqual(at('Idle'));
  });

  it('timeout goes back to Idle', () => {
    expect(effects(decide(at('UpdatingJob'), SAMPLES.timeout))).toEqual([CANCEL_TIMER]);
  });
});

describe('CreatingCertificate', () => {
  it('create/accepted installs the certificate, then restarts', () => {
    const installing = decide(at('CreatingCertificate'), SAMPLES.createAccepted);
    expect(installing.actions).toEqual([{ type: 'rotate', certificatePem: 'NEW-CERT-PEM' }]);
    const done = decide(installing.state, SAMPLES.rotateDone);
    expect(effects(done)).toEqual([CANCEL_TIMER, RESTART]);
    expect(done.state.name).toBe('Stopped');
  });

  it('a refused certificate (a forged reply) is ignored: still waiting, the timer left running, nothing written', () => {
    const run = decide({ ...at('CreatingCertificate'), awaiting: 'rotate' }, SAMPLES.rotateRefused);
    expect(run.state).toEqual(at('CreatingCertificate'));
    expect(run.actions.map((a) => a.type)).toEqual(['log']);
    expect(decide(run.state, SAMPLES.timeout).state.name).toBe('Idle');
  });

  it('a failed install with a backup rolls back, fails the job, restarts', () => {
    const run = decide({ ...at('CreatingCertificate'), awaiting: 'rotate' }, SAMPLES.rotateFailed, { backupExists: true });
    expect(effects(run)).toEqual([CANCEL_TIMER, ROLLBACK, failed(FAILURE_REASONS.rotate), RESTART]);
  });

  it('a failed install without a backup fails the job and restarts', () => {
    const run = decide({ ...at('CreatingCertificate'), awaiting: 'rotate' }, SAMPLES.rotateFailed, { backupExists: false });
    expect(effects(run)).toEqual([CANCEL_TIMER, failed('Error rotating the certificate and private key.'), RESTART]);
  });

  it('create/rejected fails the job', () => {
    const run = decide(at('CreatingCertificate'), SAMPLES.createRejected);
    expect(effects(run)).toEqual([CANCEL_TIMER, failed('Create was rejected.')]);
    expect(run.state).toEqual(at('Idle'));
  });

  it('timeout fails the job', () => {
    const run = decide(at('CreatingCertificate'), SAMPLES.timeout);
    expect(effects(run)).toEqual([CANCEL_TIMER, failed('Comms failure when creating new certificate.')]);
    expect(run.state).toEqual(at('Idle'));
  });
});

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
