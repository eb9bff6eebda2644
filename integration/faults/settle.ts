import { isTerminal } from '../aws/index.js';
import type { AwsStandIn } from '../aws/index.js';
import type { FaultCore } from './fault-cores.js';

/** Timing of one kind of core in the matrix. */
export interface CaseTiming {
  /** The component's state timeout as it runs here (30 s, or less when sped up). */
  componentTimeoutMs: number;
  /** The job's in-progress timeout as it runs here. */
  inProgressTimeoutMs: number;
  /** How long a core stays off after a power cut. */
  downtimeMs: number;
  /**
   * How long a running component may stay in one state before it counts as stuck: every state but
   * Idle is left within its 30 s timer plus one publish's 30 s limit; the rest is headroom for a
   * loaded machine.
   */
  stuckAfterMs: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** States of a core that is not running its component; only `stopped` and `killed` stay so by themselves. */
const DOWN = new Set(['off', 'stopped', 'killed', 'restarting']);
const STAYS_DOWN = new Set(['stopped', 'killed']);

/** What happened while waiting for a job to settle. */
export interface SettleReport {
  /** The execution was still QUEUED with the core idle, so the core was restarted (as a reboot would). */
  resumedByRestart: boolean;
  /** The core stayed down after its restart was lost, and was booted. */
  bootedAfterLostRestart: boolean;
  /** The job did not settle before the deadline. */
  timedOut: boolean;
  /** Why waiting stopped before the job settled: the deadline, or a component stuck in one state. */
  unsettled?: string;
  /** The component's state when waiting ended. */
  lastState: string;
}

/**
 * Waits until the job's execution has ended, the backend is done with it, and the core rests in
 * Idle for a while. A core left down (a restart that never came) is booted once the job has
 * ended; a job left QUEUED while the core idles (its announcement was lost) gets the core
 * restarted, as the next reboot would, and is reported so.
 */
export async function untilSettled(
  standIn: AwsStandIn,
  core: FaultCore,
  jobId: string,
  timing: CaseTiming,
  busy: () => boolean,
): Promise<SettleReport> {
  const report: SettleReport = { resumedByRestart: false, bootedAfterLostRestart: false, timedOut: false, lastState: 'unknown' };
  const stallMs = 2 * timing.componentTimeoutMs + timing.downtimeMs;
  const waitMs = 3 * timing.inProgressTimeoutMs + 12 * timing.componentTimeoutMs + 60_000;
  const deadline = Date.now() + waitMs;
  let idleSince: number | undefined;
  let downSince: number | undefined;
  // The state the running component is in, with its restart count, and since when.
  let held: { key: string; since: number } | undefined;
  while (Date.now() < deadline) {
    await sleep(100);
    if (busy()) {
      idleSince = undefined;
      downSince = undefined;
      held = undefined;
      continue;
    }
    const execution = standIn.model.jobs.describeJobExecution(jobId, core.thingName);
    const state = await core.rotatorState();
    report.lastState = state;
    const terminal = isTerminal(execution.status);
    const key = `${state}#${core.running.restarts()}`;
    if (DOWN.has(state) || state === 'Idle' || held?.key !== key) held = { key, since: Date.now() };
    else if (Date.now() - held.since > timing.stuckAfterMs) {
      report.unsettled = `the component stayed in ${state} for ${Math.round((Date.now() - held.since) / 1000)} s, past its state timer; execution ${execution.status}`;
      return report;
    }
    if (DOWN.has(state)) {
      idleSince = undefined;
      downSince ??= Date.now();
      const longDown = Date.now() - downSince;
      if (STAYS_DOWN.has(state) && longDown > 2 * timing.downtimeMs && (terminal || longDown > timing.inProgressTimeoutMs + stallMs)) {
        report.bootedAfterLostRestart = true;
        core.power.on = true;
        await core.running.start();
        downSince = undefined;
      }
      continue;
    }
    downSince = undefined;
    if (state !== 'Idle') {
      idleSince = undefined;
      continue;
    }
    idleSince ??= Date.now();
    if (execution.status === 'QUEUED' && Date.now() - idleSince > stallMs) {
      report.resumedByRestart = true;
      await core.running.powerCut();
      await core.running.start();
      idleSince = undefined;
      continue;
    }
    if (terminal && Date.now() - idleSince > 500) {
      await Promise.race([standIn.rules.whenIdle(), sleep(5_000)]);
      return report;
    }
  }
  report.timedOut = true;
  report.unsettled = `not settled within ${Math.round(waitMs / 1000)} s; the component was in ${report.lastState}, execution ${
    standIn.model.jobs.describeJobExecution(jobId, core.thingName).status
  }`;
  return report;
}
