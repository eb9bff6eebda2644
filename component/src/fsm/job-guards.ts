import { ROTATE_CERTIFICATE_OPERATION, type JobExecution } from '../../../shared/contract/index.js';
import type { RotatorState } from './types.js';

export function rotationJob(execution: JobExecution | undefined, status: string): execution is JobExecution {
  return execution?.status === status && execution.jobDocument?.['operation'] === ROTATE_CERTIFICATE_OPERATION;
}

/** Guard of the rows on a rotation job execution in `status`: their effects see the execution. */
export function rotationJobIn(status: 'QUEUED' | 'IN_PROGRESS') {
  return (event: { execution?: JobExecution }): event is { execution: JobExecution } => rotationJob(event.execution, status);
}

export function sameJob(event: { topicJobId: string }, state: RotatorState): boolean {
  return event.topicJobId === state.jobId;
}
