import { describe, expect, it } from 'vitest';
import { FAILURE_REASONS } from './actions.js';
import { TRANSITIONS } from './table.js';
import { decide, SAMPLES, at } from '../../test/support/fsm-fixtures.js';
import { AWAITED_EVENTS, STATE_NAMES, type Action, type AwaitKind, type RotatorEvent } from './types.js';

const ANSWERING: Record<string, AwaitKind> = {
  subscribe: 'subscribe',
  scheduleResubscribe: 'resubscribe',
  createCsr: 'csr',
  rotate: 'rotate',
  queryFact: 'fact',
};

describe('transition table', () => {
  it('has unique ids and known states', () => {
    const ids = TRANSITIONS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of TRANSITIONS) {
      expect(STATE_NAMES).toContain(r.from);
      expect(STATE_NAMES).toContain(r.to);
    }
  });

  it('has a row for every line of the original state table, and the improvements', () => {
    expect(TRANSITIONS.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        'Idle.notifyNext.queued',
        'Idle.timeout',
        'UpdatingJob.updateRejected',
        'UpdatingJob.updateAccepted',
        'UpdatingJob.csrFailed',
        'UpdatingJob.timeout',
        'CreatingCertificate.createAccepted',
        'CreatingCertificate.rotateRefused',
        'CreatingCertificate.rotateFailed.backup',
        'CreatingCertificate.rotateFailed',
        'CreatingCertificate.createRejected',
        'CreatingCertificate.timeout',
        'GettingJob.getAccepted.abandoned.backup',
        'GettingJob.getAccepted.queued',
        'GettingJob.getAccepted.inProgress.backup',
        'GettingJob.getAccepted.inProgress',
        'GettingJob.getRejected.backup',
        'GettingJob.notifyNext.queued',
        'GettingJob.otherMessage',
        'GettingJob.timeout.backup',
        'GettingJob.timeout',
        'CommittingCertificate.commitAccepted',
        'CommittingCertificate.commitRejected',
        'CommittingCertificate.timeout',
        'Starting.start.interruptedInstall',
        'Starting.subscribeFailed.backup',
        'Starting.subscribeFailed',
      ]),
    );
  });

  it("reports the original failure reasons verbatim, except the original's claim of a rollback made without a backup", () => {
    expect(Object.values(FAILURE_REASONS).sort()).toEqual(
      [
        'Error creating the CSR.',
        'Error rotating the certificate and private key.',
        'Create was rejected.',
        'Comms failure when creating new certificate.',
        'Commit was rejected. Rollback and restart.',
        'Comms failure when committing new certificate. Rollback and restart.',
        'Commit was rejected. No backup to roll back to: the core keeps the certificate it uses.',
        'Comms failure when committing the certificate in use. No backup to roll back to: the core keeps it.',
      ].sort(),
    );
  });

  it('every row is reachable, and an answering action is always last and matches what the row awaits', () => {
    const awaitKinds = [undefined, ...(Object.keys(AWAITED_EVENTS) as AwaitKind[]).filter((k) => k !== 'fact')];
    const factCombos = [true, false].flatMap((backupExists) =>
      [true, false].map((credentialsMatch) => ({ backupExists, credentialsMatch })),
    );
    for (const r of TRANSITIONS) {
      let reached = false;
      for (const awaiting of awaitKinds) {
        for (const event of Object.values(SAMPLES) as RotatorEvent[]) {
          for (const facts of factCombos) {
            const state = awaiting === undefined ? at(r.from) : { ...at(r.from), awaiting };
            const run = decide(state, event, facts);
            if (run.row !== r.id) continue;
            reached = true;
            const final = run.actions.slice(run.actions.findLastIndex((a) => a.type === 'queryFact') + 1);
            const answering = final.filter((a: Action) => a.type in ANSWERING);
            if (r.awaits === undefined) {
              expect(answering, r.id).toEqual([]);
            } else {
              expect(answering.length, r.id).toBe(1);
              expect(final.at(-1), r.id).toBe(answering[0]);
              expect(ANSWERING[answering[0]?.type ?? ''], r.id).toBe(r.awaits);
              expect(run.state.awaiting, r.id).toBe(r.awaits);
            }
            const restart = final.findIndex((a) => a.type === 'restart');
            if (restart >= 0) {
              expect(restart, `${r.id}: restart comes last`).toBe(final.length - 1);
              expect(r.to, r.id).toBe('Stopped');
            }
          }
        }
      }
      expect(reached, `row ${r.id} is reachable`).toBe(true);
    }
  });
});
