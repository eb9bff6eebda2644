import { DescribeJobExecutionCommand, IoTJobsDataPlaneClient } from '@aws-sdk/client-iot-jobs-data-plane';
import { GetJobDocumentCommand, type IoTClient } from '@aws-sdk/client-iot';
import { RetryBudgetExhaustedError } from '../runtime/retry.js';
import type { Invocation } from '../runtime/invocation.js';
import type { HandlerClients } from './clients.js';

/**
 * True when the thing's execution of the job is IN_PROGRESS and its document is the rotation
 * document. Any lookup failure counts as "no", except running out of time, which the caller reports.
 */
export async function rotationInProgress(
  clients: HandlerClients,
  request: { jobId: string; thingName: string },
  jobDocument: string,
  invocation: Invocation,
): Promise<boolean> {
  try {
    const jobs = await clients.endpointClient('iot:Jobs', (config) => new IoTJobsDataPlaneClient(config), invocation);
    const answer = await invocation.call('DescribeJobExecution', () =>
      jobs.send(new DescribeJobExecutionCommand({ jobId: request.jobId, thingName: request.thingName, includeJobDocument: true })),
    );
    const execution = answer.execution;
    invocation.logger.info('Job execution', {
      jobId: request.jobId,
      status: execution?.status,
      versionNumber: execution?.versionNumber,
    });
    return execution?.status === 'IN_PROGRESS' && execution.jobDocument === jobDocument;
  } catch (error) {
    if (error instanceof RetryBudgetExhaustedError) throw error;
    invocation.logger.warn('No valid job execution for this thing', { jobId: request.jobId, error });
    return false;
  }
}

/** True when the job exists and carries the rotation document. */
export async function isRotationJob(iot: IoTClient, jobId: string, jobDocument: string, invocation: Invocation): Promise<boolean> {
  try {
    const answer = await invocation.call('GetJobDocument', () => iot.send(new GetJobDocumentCommand({ jobId })));
    return answer.document === jobDocument;
  } catch (error) {
    if (error instanceof RetryBudgetExhaustedError) throw error;
    invocation.logger.warn('No valid job document for this job', { jobId, error });
    return false;
  }
}

/**
 * `isRotationJob` with the answers "yes" kept for a while by one handler instance. A job's document
 * cannot change once the job exists (UpdateJob does not touch it), so a fleet's thousand terminal
 * events of one job cost a GetJobDocument call (10 a second per account) each TTL, not each. The
 * TTL bounds how long a deleted job's id, reused for another job, could be mistaken for it.
 */
export function rotationJobCheck(
  iot: IoTClient,
  jobDocument: string,
  ttlMs = 60_000,
  now: () => number = Date.now,
): (jobId: string, invocation: Invocation) => Promise<boolean> {
  const confirmed = new Map<string, number>();
  return async (jobId, invocation) => {
    const until = confirmed.get(jobId);
    if (until !== undefined && until > now()) return true;
    const rotation = await isRotationJob(iot, jobId, jobDocument, invocation);
    if (confirmed.size >= 1_000) confirmed.clear();
    if (rotation) confirmed.set(jobId, now() + ttlMs);
    return rotation;
  };
}
