import { FAILURE_REASONS } from '../../component/src/fsm/index.js';
import { DEFAULT_MINUTE_SCALE } from './options.js';
import type { DemoSummary } from './summary.js';

/** Reasons a core gives when a reply did not come in time: what a busy machine causes. */
const WAITED_TOO_LONG: readonly string[] = [
  FAILURE_REASONS.createTimeout,
  FAILURE_REASONS.commitTimeout,
  FAILURE_REASONS.commitTimeoutNoBackup,
];

export interface Machine {
  cpus: number;
  /** One-minute load average. */
  loadAverage: number;
}

/** Cores whose rotation ended for lack of time: a reply that came too late, or the job's timeout. */
export function timedOutCores(summary: DemoSummary): number {
  return summary.rotations.filter(
    (r) =>
      r.status === 'TIMED_OUT' ||
      r.status === 'QUEUED' ||
      r.status === 'IN_PROGRESS' ||
      (r.reason !== undefined && WAITED_TOO_LONG.includes(r.reason)),
  ).length;
}

/**
 * What to try when rotations failed for lack of time. Every simulated core shares this machine's
 * CPU, where a real device has its own, so a busy machine shows up as replies that come too late.
 * Empty when nothing failed that way.
 */
export function adviceFor(summary: DemoSummary, machine: Machine): string[] {
  const late = timedOutCores(summary);
  if (late === 0) return [];
  const busy =
    machine.loadAverage >= machine.cpus
      ? `, and it is busy: load average ${machine.loadAverage.toFixed(1)} on ${machine.cpus} CPU cores`
      : '';
  const advice = [
    `${late} of ${summary.devices} cores ran out of time waiting for a reply or for the job. All simulated cores and the`,
    `AWS stand-in share this machine's CPU${busy}. A real device has its own CPU. What to try:`,
  ];
  if (summary.componentTimerScale !== 1) {
    advice.push(
      `  - leave out --experimental-timer-scale: it cut the component's 30 s timeouts to ${(30 / summary.componentTimerScale).toFixed(1)} s`,
    );
  }
  if (summary.minuteScale > DEFAULT_MINUTE_SCALE) {
    advice.push(
      `  - a smaller --minute-scale (${summary.minuteScale} leaves ${(300 / summary.minuteScale).toFixed(0)} s until the job times a rotation out; 1 is AWS's 5 minutes)`,
    );
  }
  advice.push(
    `  - a slower rollout: --rollout ${Math.max(1, Math.floor(summary.rolloutPerMinute / 2))} (this job notified ${summary.rolloutPerMinute} cores per AWS minute)`,
    '  - stop other work on this machine, or run fewer cores (--devices)',
    '  - ECDSA keys (--key-algorithm ECDSA-P256 --signing-algorithm ECDSA-WITH-SHA256) cost far less CPU than RSA',
  );
  advice.push(
    summary.workDir
      ? `  - read the cores' logs under ${summary.workDir}`
      : "  - --keep keeps each core's log under .demo/ to see which step waited",
  );
  return advice;
}
