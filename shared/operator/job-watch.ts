import { DescribeJobCommand, ListJobExecutionsForJobCommand, type IoTClient, type JobExecutionStatus } from '@aws-sdk/client-iot';
import { pollUntil } from '../wait/poll.js';

export const TERMINAL_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'REJECTED', 'REMOVED', 'CANCELED'] as const;

export interface ExecutionSummary {
  thingName: string;
  status: string;
}

export interface JobProgress {
  jobId: string;
  /** The job's own status: IN_PROGRESS, COMPLETED, CANCELED, ... */
  jobStatus: string;
  executions: ExecutionSummary[];
  counts: Record<string, number>;
  done: boolean;
}

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

function thingNameOf(thingArn: string | undefined): string {
  return thingArn?.slice(thingArn.indexOf('thing/') + 'thing/'.length) ?? '?';
}

/** One look at a job and all its executions (ListJobExecutionsForJob, every page). */
export async function readJobProgress(iot: IoTClient, jobId: string, expectedThings?: number): Promise<JobProgress> {
  const job = await iot.send(new DescribeJobCommand({ jobId }));
  const executions: ExecutionSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await iot.send(new ListJobExecutionsForJobCommand({ jobId, maxResults: 250, nextToken }));
    for (const e of page.executionSummaries ?? []) {
      executions.push({
        thingName: thingNameOf(e.thingArn),
        status: (e.jobExecutionSummary?.status as JobExecutionStatus | undefined) ?? 'UNKNOWN',
      });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  const counts: Record<string, number> = {};
  for (const e of executions) counts[e.status] = (counts[e.status] ?? 0) + 1;
  const jobStatus = job.job?.status ?? 'UNKNOWN';
  const allTerminal = executions.length > 0 && executions.every((e) => isTerminal(e.status));
  const enough = expectedThings === undefined || executions.length >= expectedThings;
  const done = jobStatus === 'COMPLETED' || jobStatus === 'CANCELED' || jobStatus === 'DELETION_IN_PROGRESS' || (allTerminal && enough);
  return { jobId, jobStatus, executions, counts, done };
}

export interface WatchOptions {
  intervalMs?: number;
  /** Gives up after this long, with the last progress seen. */
  timeoutMs?: number;
  expectedThings?: number;
  onProgress?: (progress: JobProgress) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Clock for the timeout (default Date.now); tests pass a fake with their fake sleep. */
  now?: () => number;
}

/** Polls a job until every execution has ended (or the timeout passes); returns the last progress. */
export async function watchJob(iot: IoTClient, jobId: string, options: WatchOptions = {}): Promise<JobProgress & { timedOut: boolean }> {
  const probe = async (): Promise<JobProgress> => {
    const progress = await readJobProgress(iot, jobId, options.expectedThings);
    options.onProgress?.(progress);
    return progress;
  };
  const { value, done } = await pollUntil(probe, (progress) => progress.done, {
    timeoutMs: options.timeoutMs ?? 24 * 3600_000,
    intervalMs: options.intervalMs ?? 1000,
    sleep: options.sleep,
    now: options.now,
  });
  return { ...value, timedOut: !done };
}
