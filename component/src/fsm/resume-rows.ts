import { INBOUND_MESSAGE_TYPES } from '../protocol/inbound.js';
import { RESTART, ROLLBACK, log, markInProgress, requestCommit } from './actions.js';
import { rotationJob, rotationJobIn } from './job-guards.js';
import { row, type TransitionRow } from './row.js';

/** GettingJob: the rows of a core that has just started, asking AWS IoT for its next job. */
// The rows are laid out to read as a table, one transition each.
// prettier-ignore
export const RESUME_ROWS: readonly TransitionRow[] = [
  // GettingJob: just started; is a rotation queued, or did we restart in the middle of one?
  // Better than the original: restarted with the new certificate (a backup exists) but the job is
  // no longer IN_PROGRESS (timed out, failed or cancelled while the core was away). The backend
  // deletes the new certificate for such a job, so staying on it, as the original did by going
  // Idle, strands the core. Roll back to the certificate the backend keeps.
  row({
    id: 'GettingJob.getAccepted.abandoned.backup',
    from: 'GettingJob', on: ['getAccepted'], condition: 'no IN_PROGRESS rotation job', facts: { backupExists: true },
    to: 'Stopped',
    when: (event) => !rotationJob(event.execution, 'IN_PROGRESS'),
    does: 'roll back, restart',
    effects: (event) => ({
      actions: [
        log('warn', 'Restarted with the new certificate, but its rotation job is no longer in progress. Rollback and restart.', {
          nextJobId: event.execution?.jobId ?? '',
          nextJobStatus: event.execution?.status ?? '',
        }),
        ROLLBACK,
        RESTART,
      ],
    }),
  }),
  row({
    id: 'GettingJob.getAccepted.queued',
    from: 'GettingJob', on: ['getAccepted'], condition: 'QUEUED rotation job', to: 'UpdatingJob',
    guard: rotationJobIn('QUEUED'),
    does: 'publish IN_PROGRESS',
    effects: (event, state) => {
      const jobId = event.execution.jobId;
      return { jobId, actions: [markInProgress(state, jobId)] };
    },
  }),
  row({
    id: 'GettingJob.getAccepted.inProgress.backup',
    from: 'GettingJob', on: ['getAccepted'], condition: 'IN_PROGRESS rotation job', facts: { backupExists: true },
    to: 'CommittingCertificate',
    guard: rotationJobIn('IN_PROGRESS'),
    does: 'publish commit',
    effects: (event, state) => {
      const jobId = event.execution.jobId;
      return { jobId, actions: [log('info', 'Restarted with the new certificate; committing it'), requestCommit(state, jobId)] };
    },
  }),
  // Better than the original, which failed the job at once: without a backup the core has either
  // rolled back already, or lost power after its commit was accepted and its backup removed but
  // before SUCCEEDED went out. Asking the backend tells the two apart: it accepts a repeated
  // commit only from the new certificate.
  row({
    id: 'GettingJob.getAccepted.inProgress',
    from: 'GettingJob', on: ['getAccepted'], condition: 'IN_PROGRESS rotation job', facts: { backupExists: false },
    to: 'CommittingCertificate',
    guard: rotationJobIn('IN_PROGRESS'),
    does: 'publish commit',
    effects: (event, state) => {
      const jobId = event.execution.jobId;
      return { jobId, actions: [log('info', 'Rotation in progress but no backup; asking whether the certificate in use was committed'), requestCommit(state, jobId)] };
    },
  }),
  row({
    id: 'GettingJob.getRejected.backup',
    from: 'GettingJob', on: ['getRejected'], facts: { backupExists: true }, to: 'Stopped',
    does: 'roll back, restart',
    effects: (event) => ({
      actions: [log('warn', 'Got get/rejected after restart. Rollback and restart.', { code: event.code ?? '' }), ROLLBACK, RESTART],
    }),
  }),
  // Better than the original, which went to Idle here and so missed a job created while it was
  // starting: a queued rotation announced before the $next/get reply is taken as Idle would.
  // With a backup the reply decides (commit or roll back), so the notification is not acted on.
  row({
    id: 'GettingJob.notifyNext.queued',
    from: 'GettingJob', on: ['notifyNext'], condition: 'QUEUED rotation job', facts: { backupExists: false }, to: 'UpdatingJob',
    guard: rotationJobIn('QUEUED'),
    does: 'publish IN_PROGRESS',
    effects: (event, state) => {
      const jobId = event.execution.jobId;
      return { jobId, actions: [log('info', 'A rotation job was queued while starting'), markInProgress(state, jobId)] };
    },
  }),
  // Better than the original, which went Idle on any other message: with a backup only the reply
  // to $next/get (or its absence) may decide, or the core could rest on the new certificate while
  // still holding the old one, to which a later restart would roll back after the backend had
  // deleted it.
  row({
    id: 'GettingJob.otherMessage.backup',
    from: 'GettingJob', on: INBOUND_MESSAGE_TYPES, facts: { backupExists: true }, to: 'GettingJob',
    does: 'wait for the reply',
    effects: (event) => ({ actions: [log('info', 'Waiting for the reply to next/get', { event: event.type })] }),
  }),
  row({
    id: 'GettingJob.otherMessage', from: 'GettingJob', on: INBOUND_MESSAGE_TYPES, facts: { backupExists: false }, to: 'Idle',
    does: 'nothing',
    effects: (event) => ({ actions: [log('info', 'No rotation job to resume', { event: event.type })] }),
  }),
  row({
    id: 'GettingJob.timeout.backup',
    from: 'GettingJob', on: ['timeout'], facts: { backupExists: true }, to: 'Stopped',
    does: 'roll back, restart',
    effects: () => ({ actions: [log('warn', 'Comms failure with new certificate. Rollback and restart.'), ROLLBACK, RESTART] }),
  }),
  row({
    id: 'GettingJob.timeout', from: 'GettingJob', on: ['timeout'], facts: { backupExists: false }, to: 'Idle',
    does: 'nothing',
    effects: () => ({ actions: [log('warn', 'No reply to next/get')] }),
  }),
];
