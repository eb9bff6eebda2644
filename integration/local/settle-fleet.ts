import { STATE_TIMEOUT_MS } from '../../component/src/fsm/types.js';
import type { RunningCore } from './fleet-runner.js';

/** A core that had not come to rest when waiting ended, and the state it was in. */
export interface UnsettledCore {
  thingName: string;
  state: string;
}

export interface SettleOptions {
  /** How many times faster than real time the components' timers run (their 30 s state timeout shrinks with it). */
  componentTimerScale: number;
  /** How long a component must stay in Idle to count as at rest (default 2 s). */
  quietMs?: number;
  /** Give up after this long (default settleDeadlineMs of the timer scale). */
  timeoutMs?: number;
  /** Called as cores come to rest. */
  onProgress?: (settled: number, total: number) => void;
}

/**
 * The longest a component can take to come to rest after its job ended: a state timer, one
 * publish given up at its own 30 s limit, a restart, and a rollback's reconnection with its state
 * timer again; then headroom for a loaded machine.
 */
export function settleDeadlineMs(componentTimerScale: number): number {
  return (6 * STATE_TIMEOUT_MS) / componentTimerScale + 30_000;
}

const POLL_MS = 250;
const AT_REST_DOWN = new Set(['stopped', 'killed']);

/**
 * Waits until every core's component rests in Idle, so that a fleet is checked with what each core
 * will run on, not in the middle of its last steps. A job's execution can end (timed out, say)
 * while its core is still working: it may have installed the new certificate and be about to find
 * it refused and roll back. Checking the core's files then would call a core that recovers by
 * itself bricked. Returns the cores still busy at the deadline.
 */
export async function untilFleetIdle(fleet: readonly RunningCore[], options: SettleOptions): Promise<UnsettledCore[]> {
  const quietMs = options.quietMs ?? 2_000;
  const deadline = Date.now() + (options.timeoutMs ?? settleDeadlineMs(options.componentTimerScale));
  const idleSince = new Map<RunningCore, number>();
  const lastState = new Map<RunningCore, string>();
  let waiting = [...fleet];
  for (;;) {
    const states = await Promise.all(waiting.map((core) => core.rotatorState()));
    const now = Date.now();
    waiting = waiting.filter((core, i) => {
      const state = states[i] ?? 'unknown';
      lastState.set(core, state);
      // A core switched off stays as it is: what it holds now is what it will start with.
      if (AT_REST_DOWN.has(state)) return false;
      if (state !== 'Idle') {
        idleSince.delete(core);
        return true;
      }
      const since = idleSince.get(core) ?? now;
      idleSince.set(core, since);
      return now - since < quietMs;
    });
    options.onProgress?.(fleet.length - waiting.length, fleet.length);
    if (waiting.length === 0 || now >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return waiting.map((core) => ({ thingName: core.core.thingName, state: lastState.get(core) ?? 'unknown' }));
}
