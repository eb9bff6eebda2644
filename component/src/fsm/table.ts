import { INBOUND_MESSAGE_TYPES } from '../protocol/inbound.js';
import { ROTATE_CERTIFICATE_OPERATION, type JobExecution } from '../../../shared/contract/index.js';
import {
  FAILURE_REASONS,
  RESTART,
  ROLLBACK,
  currentJob,
  failJob,
  log,
  markInProgress,
  markSucceeded,
  requestCertificate,
  requestCommit,
} from './actions.js';
import { row, type TransitionRow } from './row.js';
import { STARTUP_ROWS } from './startup-rows.js';
import { SUCCESS_ROWS } from './success-rows.js';
import type { RotatorState } from './types.js';

function rotationJob(execution: JobExecution | undefined, status: string): execution is JobExecution {
  return execution?.status === status && execution.jobDocument?.['operation'] === ROTATE_CERTIFICATE_OPERATION;
}

/** Guard of the rows on a rotation job execution in `status`: their effects see the execution. */
function rotationJobIn(status: 'QUEUED' | 'IN_PROGRESS') {
  return (event: { execution?: JobExecution }): event is { execution: JobExecution } => rotationJob(event.execution, status);
}

function sameJob(event: { topicJobId: string }, state: RotatorState): boolean {
  return event.topicJobId === state.jobId;
}

/**
 * The rotator's behaviour: start-up, then one row per line of the original's state table
 * (section 5 of the behaviour spec), with the answers of effects. The diagram in the README is
 * generated from this array.
 */
// The rows are laid out to read as a table, one transition each.
// prettier-ignore
export const TRANSITIONS: readonly TransitionRow[] = [
  ...STARTUP_ROWS,

  // Idle.
  row({
    id: 'Idle.notifyNext.queued',
    from: 'Idle', on: ['notifyNext'], condition: 'QUEUED rotation job', to: 'UpdatingJob',
    guard: rotationJobIn('QUEUED'),
    does: 'publish IN_PROGRESS',
    effects: (event, state) => {
      const jobId = event.execution.jobId;
      return { jobId, actions: [markInProgress(state, jobId)] };
    },
  }),
  row({ id: 'Idle.timeout', from: 'Idle', on: ['timeout'], to: 'Idle', does: 'nothing' }),

  // UpdatingJob: waiting for AWS IoT to accept IN_PROGRESS.
  row({
    id: 'UpdatingJob.updateRejected',
    from: 'UpdatingJob', on: ['updateRejected'], condition: 'this job', when: sameJob, to: 'Idle',
    does: 'nothing',
    effects: (event) => ({ actions: [log('warn', 'IN_PROGRESS update was rejected', { code: event.code ?? '' })] }),
  }),
  row({
    id: 'UpdatingJob.updateAccepted',
    from: 'UpdatingJob', on: ['updateAccepted'], condition: 'this job', when: sameJob, to: 'UpdatingJob', awaits: 'csr',
    does: 'check algorithms, create key and CSR',
    effects: () => ({ actions: [{ type: 'createCsr' }] }),
  }),
  row({
    id: 'UpdatingJob.csrCreated', from: 'UpdatingJob', on: ['csrCreated'], to: 'CreatingCertificate',
    does: 'publish create',
    effects: (event, state) => ({ actions: [requestCertificate(state, currentJob(state), event.csr)] }),
  }),
  row({
    id: 'UpdatingJob.csrFailed', from: 'UpdatingJob', on: ['csrFailed'], to: 'Idle',
    does: 'fail the job',
    effects: (event, state) => ({
      actions: [
        log('error', event.unsupported ? 'Configured algorithms are not supported by the credential store' : 'Creating the key and CSR failed', {
          reason: event.reason,
        }),
        ...failJob(state, currentJob(state), FAILURE_REASONS.csr),
      ],
    }),
  }),
  row({
    id: 'UpdatingJob.timeout', from: 'UpdatingJob', on: ['timeout'], to: 'Idle',
    does: 'nothing',
    effects: () => ({ actions: [log('warn', 'No reply to the IN_PROGRESS update')] }),
  }),

  // CreatingCertificate: waiting for the backend to issue the new certificate.
  row({
    id: 'CreatingCertificate.createAccepted',
    from: 'CreatingCertificate', on: ['createAccepted'], to: 'CreatingCertificate', awaits: 'rotate',
    does: 'back up and install',
    effects: (event) => ({ actions: [{ type: 'rotate', certificatePem: event.certificatePem }] }),
  }),
  // The reply topics are not authenticated: any connection allowed to publish there can send a
  // create/accepted. One whose certificate cannot be this rotation's is ignored, and the state
  // timer keeps running for the backend's own reply.
  row({
    id: 'CreatingCertificate.rotateRefused', from: 'CreatingCertificate', on: ['rotateRefused'], to: 'CreatingCertificate',
    does: 'ignore it, keep waiting',
    effects: (event) => ({ actions: [log('warn', 'Ignored a create/accepted reply: its certificate is not for this rotation', { reason: event.reason })] }),
  }),
  row({
    id: 'CreatingCertificate.rotateDone', from: 'CreatingCertificate', on: ['rotateDone'], to: 'Stopped',
    does: 'restart',
    effects: () => ({ actions: [log('info', 'New certificate and key installed. Restarting to activate them.'), RESTART] }),
  }),
  row({
    id: 'CreatingCertificate.rotateFailed.backup',
    from: 'CreatingCertificate', on: ['rotateFailed'], facts: { backupExists: true }, to: 'Stopped',
    does: 'roll back, fail the job, restart',
    effects: (event, state) => ({
      actions: [
        log('error', 'Installing the new certificate and key failed. Rolling back.', { reason: event.reason }),
        ROLLBACK,
        ...failJob(state, currentJob(state), FAILURE_REASONS.rotate),
        RESTART,
      ],
    }),
  }),
  row({
    id: 'CreatingCertificate.rotateFailed',
    from: 'CreatingCertificate', on: ['rotateFailed'], facts: { backupExists: false }, to: 'Stopped',
    does: 'fail the job, restart',
    effects: (event, state) => ({
      actions: [
        log('error', 'Installing the new certificate and key failed before a backup was made', { reason: event.reason }),
        ...failJob(state, currentJob(state), FAILURE_REASONS.rotate),
        RESTART,
      ],
    }),
  }),
  row({
    id: 'CreatingCertificate.createRejected', from: 'CreatingCertificate', on: ['createRejected'], to: 'Idle',
    does: 'fail the job',
    effects: (event, state) => ({
      actions: [
        log('warn', 'Create was rejected', { errorMsg: event.errorMsg ?? '' }),
        ...failJob(state, currentJob(state), FAILURE_REASONS.createRejected),
      ],
    }),
  }),
  row({
    id: 'CreatingCertificate.timeout', from: 'CreatingCertificate', on: ['timeout'], to: 'Idle',
    does: 'fail the job',
    effects: (_, state) => ({ actions: failJob(state, currentJob(state), FAILURE_REASONS.createTimeout) }),
  }),

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

  // CommittingCertificate: proving to the backend that the new certificate works.
  row({
    id: 'CommittingCertificate.commitAccepted', from: 'CommittingCertificate', on: ['commitAccepted'], to: 'ReportingSuccess',
    does: 'delete backup, publish SUCCEEDED',
    effects: (_, state) => ({
      actions: [
        log('info', 'Certificate committed. Removing the backup.'),
        { type: 'deleteBackup' },
        markSucceeded(state, currentJob(state)),
      ],
    }),
  }),
  row({
    id: 'CommittingCertificate.commitRejected',
    from: 'CommittingCertificate', on: ['commitRejected'], facts: { backupExists: true }, to: 'Stopped',
    does: 'fail the job, roll back, restart',
    effects: (event, state) => ({
      actions: [
        log('warn', 'Commit was rejected', { errorMsg: event.errorMsg ?? '' }),
        ...failJob(state, currentJob(state), FAILURE_REASONS.commitRejected),
        ROLLBACK,
        RESTART,
      ],
    }),
  }),
  row({
    id: 'CommittingCertificate.timeout',
    from: 'CommittingCertificate', on: ['timeout'], facts: { backupExists: true }, to: 'Stopped',
    does: 'fail the job, roll back, restart',
    effects: (_, state) => ({ actions: [...failJob(state, currentJob(state), FAILURE_REASONS.commitTimeout), ROLLBACK, RESTART] }),
  }),
  // No backup (the commit asked after a restart without one): nothing to roll back. The core is on
  // its old certificate, as the original assumed, or the backend did not confirm the new one.
  row({
    id: 'CommittingCertificate.commitRejected.noBackup',
    from: 'CommittingCertificate', on: ['commitRejected'], facts: { backupExists: false }, to: 'Idle',
    does: 'fail the job',
    effects: (_, state) => ({ actions: failJob(state, currentJob(state), FAILURE_REASONS.commitRejectedNoBackup) }),
  }),
  row({
    id: 'CommittingCertificate.timeout.noBackup',
    from: 'CommittingCertificate', on: ['timeout'], facts: { backupExists: false }, to: 'Idle',
    does: 'fail the job',
    effects: (_, state) => ({ actions: failJob(state, currentJob(state), FAILURE_REASONS.commitTimeoutNoBackup) }),
  }),

  ...SUCCESS_ROWS,
];
