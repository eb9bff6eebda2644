import type { SkipCode } from './examine.js';
import type { CreatedJob } from './rotation-jobs.js';

/** What one run did: the jobs it created, the things it rotates, what it left out and why. */
export interface RunReport {
  /** `schedule`, or the Device Defender check whose finding started the run. */
  trigger: string;
  /** Things the run set out to look at. */
  watched: number;
  examined: number;
  notDue: number;
  jobs: CreatedJob[];
  started: Array<{ thingName: string; jobId: string; reason: string }>;
  skipped: Array<{ thingName: string; reason: string; code: SkipCode }>;
  /** What kept the run from seeing everything (a missing thing group, time running out). */
  problems: string[];
}

/** The most items of one list a notification names; SNS messages are limited to 256 KB. */
const MAX_LISTED = 200;

function listed<T>(title: string, items: readonly T[], line: (item: T) => string): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, MAX_LISTED).map((item) => `  - ${line(item)}`);
  const more = items.length > MAX_LISTED ? [`  ... and ${items.length - MAX_LISTED} more`] : [];
  return [`${title}:`, ...shown, ...more];
}

/** Whether operators hear of the run: only when it started or skipped something, or could not look at everything. */
export function worthNotifying(report: RunReport): boolean {
  return report.started.length > 0 || report.skipped.length > 0 || report.problems.length > 0;
}

export function formatNotification(report: RunReport): string {
  const headline =
    `Certificate rotation scheduler (${report.trigger}): started rotation of ${report.started.length} core device(s) ` +
    `in ${report.jobs.length} job(s); skipped ${report.skipped.length}; ${report.notDue} not due; ` +
    `${report.examined} of ${report.watched} examined.`;
  return [
    headline,
    ...listed('Started', report.started, (s) => `${s.thingName} (job ${s.jobId}): ${s.reason}`),
    ...listed('Skipped', report.skipped, (s) => `${s.thingName}: ${s.reason}`),
    ...listed('Problems', report.problems, (p) => p),
  ].join('\n');
}
