import { pollUntil } from '../../shared/wait/poll.js';
import { isTerminal, type AwsModel, type JobExecution } from '../../integration/aws/index.js';

export interface JobEnd {
  executions: JobExecution[];
  /** Every expected execution ended before the deadline. */
  done: boolean;
}

/**
 * Waits until the job has `expected` executions, all terminal, reading the stand-in's model
 * directly: polling through the HTTP API would spend the CPU the fleet needs.
 */
export async function waitForJobEnd(
  model: AwsModel,
  jobId: string,
  expected: number,
  deadlineMs: number,
  intervalMs = 100,
): Promise<JobEnd> {
  const { value: executions, done } = await pollUntil(
    () => model.jobs.listJobExecutionsForJob(jobId),
    (executions) => executions.length >= expected && executions.every((e) => isTerminal(e.status)),
    { timeoutMs: Math.max(0, deadlineMs - Date.now()), intervalMs },
  );
  return { executions, done };
}

export function countStatuses(executions: readonly JobExecution[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of executions) counts[e.status] = (counts[e.status] ?? 0) + 1;
  return counts;
}

/** Milliseconds from IN_PROGRESS to terminal, for the executions that got that far. */
export function executionDurations(executions: readonly JobExecution[]): number[] {
  return executions.filter((e) => isTerminal(e.status) && e.startedAt !== undefined).map((e) => e.lastUpdatedAt - (e.startedAt ?? 0));
}

/** When the last terminal execution ended (epoch ms), or undefined if none did. */
export function lastEnd(executions: readonly JobExecution[]): number | undefined {
  const ends = executions.filter((e) => isTerminal(e.status)).map((e) => e.lastUpdatedAt);
  return ends.length > 0 ? Math.max(...ends) : undefined;
}
