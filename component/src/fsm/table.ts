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
} from './actions.js';
import { row, type TransitionRow } from './row.js';
import { rotationJobIn, sameJob } from './job-guards.js';
import { RESUME_ROWS } from './resume-rows.js';
import { STARTUP_ROWS } from './startup-rows.js';
import { SUCCESS_ROWS } from './success-rows.js';

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

  ...RESUME_ROWS,

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
