import { certificateCommitTopic, certificateCreateTopic, jobUpdateTopic, nextJobGetTopic } from '../../../shared/contract/index.js';
import {
  commitCertificatePayload,
  createCertificatePayload,
  inProgressPayload,
  nextJobGetPayload,
  ROLLBACK_FAILURE_REASONS,
  succeededPayload,
} from '../../../shared/contract/index.js';
import type { Action, LogLevel, RotatorState } from './types.js';

/**
 * `DeviceFailureReason`s the device reports, verbatim from the original: operators and the
 * original's integration tests read them.
 */
export const FAILURE_REASONS = {
  csr: 'Error creating the CSR.',
  rotate: 'Error rotating the certificate and private key.',
  createRejected: 'Create was rejected.',
  createTimeout: 'Comms failure when creating new certificate.',
  // The backend reads these two as "the core restores its backup" (see ROLLBACK_FAILURE_REASONS).
  commitRejected: ROLLBACK_FAILURE_REASONS.commitRejected,
  commitTimeout: ROLLBACK_FAILURE_REASONS.commitTimeout,
  // Not the original's "Rollback completed after comms failure with new certificate.": without a
  // backup nothing was rolled back, and the core may well be running on the new certificate.
  commitRejectedNoBackup: 'Commit was rejected. No backup to roll back to: the core keeps the certificate it uses.',
  commitTimeoutNoBackup: 'Comms failure when committing the certificate in use. No backup to roll back to: the core keeps it.',
} as const;

export function log(level: LogLevel, message: string, fields?: Record<string, string>): Action {
  return fields === undefined ? { type: 'log', level, message } : { type: 'log', level, message, fields };
}

export function requestNextJob(state: RotatorState): Action {
  return { type: 'publish', topic: nextJobGetTopic(state.thingName), payload: nextJobGetPayload() };
}

export function markInProgress(state: RotatorState, jobId: string): Action {
  return { type: 'publish', topic: jobUpdateTopic(state.thingName, jobId), payload: inProgressPayload() };
}

export function markSucceeded(state: RotatorState, jobId: string): Action {
  return { type: 'publish', topic: jobUpdateTopic(state.thingName, jobId), payload: succeededPayload() };
}

/** "Fail the job": report FAILED with the reason (the caller decides the next state). */
export function failJob(state: RotatorState, jobId: string, reason: string): Action[] {
  return [
    log('warn', 'Failing the certificate rotation job', { reason }),
    { type: 'publishFailed', topic: jobUpdateTopic(state.thingName, jobId), reason },
  ];
}

export function requestCertificate(state: RotatorState, jobId: string, csr: string): Action {
  return { type: 'publish', topic: certificateCreateTopic(state.thingName), payload: createCertificatePayload(jobId, csr) };
}

export function requestCommit(state: RotatorState, jobId: string): Action {
  return { type: 'publish', topic: certificateCommitTopic(state.thingName), payload: commitCertificatePayload(jobId) };
}

export const ROLLBACK: Action = { type: 'rollback' };
export const RESTART: Action = { type: 'restart' };

/** The job id the state machine is working on; rows that need one only run in states that have one. */
export function currentJob(state: RotatorState): string {
  if (state.jobId === undefined) throw new Error(`state ${state.name} has no job id`);
  return state.jobId;
}
