import { randomUUID } from 'node:crypto';
import { jobExecutionEventTopic } from '../../../../shared/contract/index.js';
import type { Job, JobExecution } from './types.js';

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** The job document as the jobs MQTT API carries it: parsed JSON, or the string if it is not JSON. */
export function documentObject(document: string): unknown {
  try {
    return JSON.parse(document) as unknown;
  } catch {
    return document;
  }
}

function timesOut(execution: JobExecution, now: number): { approximateSecondsBeforeTimedOut?: number } {
  return execution.timesOutAt === undefined ? {} : { approximateSecondsBeforeTimedOut: Math.max(0, seconds(execution.timesOutAt - now)) };
}

/** `execution` of the jobs MQTT API's get/accepted (epoch seconds, document as an object). */
export function mqttExecutionView(execution: JobExecution, job: Job, now: number): Record<string, unknown> {
  return {
    jobId: execution.jobId,
    thingName: execution.thingName,
    jobDocument: documentObject(job.document),
    status: execution.status,
    statusDetails: { ...execution.statusDetails },
    queuedAt: seconds(execution.queuedAt),
    ...(execution.startedAt === undefined ? {} : { startedAt: seconds(execution.startedAt) }),
    lastUpdatedAt: seconds(execution.lastUpdatedAt),
    ...timesOut(execution, now),
    versionNumber: execution.versionNumber,
    executionNumber: execution.executionNumber,
  };
}

/** `execution` of notify-next. */
export function notifyNextExecutionView(execution: JobExecution, job: Job): Record<string, unknown> {
  return {
    jobId: execution.jobId,
    status: execution.status,
    ...(Object.keys(execution.statusDetails).length === 0 ? {} : { statusDetails: { ...execution.statusDetails } }),
    jobDocument: documentObject(job.document),
    queuedAt: seconds(execution.queuedAt),
    ...(execution.startedAt === undefined ? {} : { startedAt: seconds(execution.startedAt) }),
    lastUpdatedAt: seconds(execution.lastUpdatedAt),
    versionNumber: execution.versionNumber,
    executionNumber: execution.executionNumber,
  };
}

/** `JobExecution` of the jobs data plane HTTP API (document as the string, times in seconds). */
export function dataPlaneExecutionView(
  execution: JobExecution,
  job: Job,
  now: number,
  includeJobDocument: boolean,
): Record<string, unknown> {
  return {
    jobId: execution.jobId,
    thingName: execution.thingName,
    status: execution.status,
    statusDetails: Object.fromEntries(Object.entries(execution.statusDetails).map(([k, v]) => [k, String(v)])),
    queuedAt: seconds(execution.queuedAt),
    ...(execution.startedAt === undefined ? {} : { startedAt: seconds(execution.startedAt) }),
    lastUpdatedAt: seconds(execution.lastUpdatedAt),
    ...timesOut(execution, now),
    versionNumber: execution.versionNumber,
    executionNumber: execution.executionNumber,
    ...(includeJobDocument ? { jobDocument: job.document } : {}),
  };
}

/** `JobExecutionSummary` of GetPendingJobExecutions and the `notify` topic. */
export function executionSummaryView(execution: JobExecution): Record<string, unknown> {
  return {
    jobId: execution.jobId,
    queuedAt: seconds(execution.queuedAt),
    ...(execution.startedAt === undefined ? {} : { startedAt: seconds(execution.startedAt) }),
    lastUpdatedAt: seconds(execution.lastUpdatedAt),
    versionNumber: execution.versionNumber,
    executionNumber: execution.executionNumber,
  };
}

/** The JOB_EXECUTION event AWS IoT publishes on `$aws/events/jobExecution/<jobId>/<operation>`. */
export function jobExecutionEvent(execution: JobExecution, now: number): { topic: string; payload: Record<string, unknown> } {
  const operation = execution.status.toLowerCase();
  return {
    topic: jobExecutionEventTopic(execution.jobId, operation),
    payload: {
      eventType: 'JOB_EXECUTION',
      eventId: randomUUID(),
      timestamp: seconds(now),
      operation,
      jobId: execution.jobId,
      thingArn: execution.thingArn,
      status: execution.status,
      statusDetails: { ...execution.statusDetails },
    },
  };
}
