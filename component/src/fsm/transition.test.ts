import { describe, expect, it } from 'vitest';
import { initialState } from './transition.js';
import { FAILURE_REASONS } from './actions.js';
import { JOB, SAMPLES, THING, at, decide, effects } from '../../test/support/fsm-fixtures.js';

import { CANCEL_TIMER, IN_PROGRESS, RESTART, ROLLBACK, START_TIMER, UPDATE, failed } from '../../test/support/fsm-actions.js';

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
