import { RESTART, ROLLBACK, log, requestNextJob } from './actions.js';
import { row, type TransitionRow } from './row.js';
import { RESUBSCRIBE_DELAY_MS } from './types.js';

/**
 * Start-up: recover from an install cut short, subscribe to the nine reply topics (retrying, or
 * rolling back when the new certificate cannot even subscribe), then ask for the next job.
 */
export const STARTUP_ROWS: readonly TransitionRow[] = [
  row({
    id: 'Starting.start.interruptedInstall',
    from: 'Starting',
    on: ['start'],
    facts: { backupExists: true, credentialsMatch: false },
    to: 'Stopped',
    does: 'roll back, restart',
    effects: () => ({
      actions: [
        log('warn', 'Installed certificate and key do not match while a backup exists: installing was interrupted. Rollback and restart.'),
        ROLLBACK,
        RESTART,
      ],
    }),
  }),
  row({
    id: 'Starting.start',
    from: 'Starting',
    on: ['start'],
    to: 'Starting',
    awaits: 'subscribe',
    does: 'subscribe',
    effects: () => ({ actions: [{ type: 'subscribe' }] }),
  }),
  row({
    id: 'Starting.subscribed',
    from: 'Starting',
    on: ['subscribed'],
    to: 'GettingJob',
    does: 'publish next/get',
    effects: (_, state) => ({ actions: [requestNextJob(state)] }),
  }),
  row({
    id: 'Starting.subscribeFailed.backup',
    from: 'Starting',
    on: ['subscribeFailed'],
    facts: { backupExists: true },
    to: 'Stopped',
    does: 'roll back, restart',
    effects: (event) => ({
      actions: [
        log('warn', 'Subscription failure with new certificate. Rollback and restart.', { reason: event.reason }),
        ROLLBACK,
        RESTART,
      ],
    }),
  }),
  row({
    id: 'Starting.subscribeFailed',
    from: 'Starting',
    on: ['subscribeFailed'],
    facts: { backupExists: false },
    to: 'Starting',
    awaits: 'resubscribe',
    does: 'retry in 10 s',
    effects: (event) => ({
      actions: [
        log('warn', 'Subscription failed; retrying in 10 s', { reason: event.reason }),
        { type: 'scheduleResubscribe', ms: RESUBSCRIBE_DELAY_MS },
      ],
    }),
  }),
  row({
    id: 'Starting.resubscribe',
    from: 'Starting',
    on: ['resubscribe'],
    to: 'Starting',
    awaits: 'subscribe',
    does: 'subscribe',
    effects: () => ({ actions: [{ type: 'subscribe' }] }),
  }),
];
