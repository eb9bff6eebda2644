import { statusDetailsSchema } from './schemas.js';
import { type ExecutionStatus, isTerminal, type JobExecution, JobsError, type StatusDetails } from './types.js';

/** Statuses a device may set through UpdateJobExecution. */
const DEVICE_STATUSES: ReadonlySet<ExecutionStatus> = new Set(['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED']);

export interface ExecutionUpdate {
  status: ExecutionStatus;
  statusDetails?: StatusDetails;
  expectedVersion?: number;
  executionNumber?: number;
  stepTimeoutInMinutes?: number;
}

/**
 * The next state of an execution after a device's update, as AWS IoT Jobs decides it; throws a
 * JobsError (with its MQTT rejection code) and changes nothing when the update is refused.
 * Without `statusDetails` the old details stay.
 */
export function applyDeviceUpdate(execution: JobExecution, update: ExecutionUpdate, now: number): JobExecution {
  if (!DEVICE_STATUSES.has(update.status)) {
    throw new JobsError('InvalidRequestException', `Invalid status: ${update.status}`, 'InvalidRequest');
  }
  if (update.statusDetails !== undefined && !statusDetailsSchema.safeParse(update.statusDetails).success) {
    throw new JobsError('InvalidRequestException', 'Invalid statusDetails', 'InvalidRequest');
  }
  if (update.executionNumber !== undefined && update.executionNumber !== execution.executionNumber) {
    throw new JobsError('ResourceNotFoundException', 'Job execution number not found', 'ResourceNotFound');
  }
  if (isTerminal(execution.status)) {
    throw new JobsError(
      'InvalidStateTransitionException',
      `Job execution is in a terminal state (${execution.status})`,
      'InvalidStateTransition',
    );
  }
  if (update.expectedVersion !== undefined && update.expectedVersion !== execution.versionNumber) {
    throw new JobsError(
      'ConflictException',
      `Expected version ${update.expectedVersion} but the current version is ${execution.versionNumber}`,
      'VersionMismatch',
    );
  }
  const next: JobExecution = {
    ...execution,
    status: update.status,
    statusDetails: update.statusDetails === undefined ? { ...execution.statusDetails } : { ...update.statusDetails },
    lastUpdatedAt: now,
    versionNumber: execution.versionNumber + 1,
  };
  if (update.status === 'IN_PROGRESS' && execution.startedAt === undefined) next.startedAt = now;
  if (isTerminal(update.status)) delete next.timesOutAt;
  return next;
}

/** A transition the service itself makes (timeout, cancel, removal). */
export function applyServiceTransition(
  execution: JobExecution,
  status: ExecutionStatus,
  now: number,
  extra: Partial<Pick<JobExecution, 'forceCanceled' | 'statusDetails'>> = {},
): JobExecution {
  const next: JobExecution = { ...execution, ...extra, status, lastUpdatedAt: now, versionNumber: execution.versionNumber + 1 };
  delete next.timesOutAt;
  return next;
}
