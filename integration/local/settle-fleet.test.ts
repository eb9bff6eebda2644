import { describe, expect, it } from 'vitest';
import type { RunningCore } from './fleet-runner.js';
import { untilFleetIdle } from './settle-fleet.js';

/** A core whose rotator goes through `states`, one per read, then stays in the last. */
function coreGoingThrough(thingName: string, states: string[]): RunningCore {
  let read = 0;
  const next = (): string => states[Math.min(read++, states.length - 1)] ?? 'unknown';
  return {
    core: { thingName },
    rotatorState: async () => next(),
    componentState: () => states.at(-1) ?? 'unknown',
  } as unknown as RunningCore;
}

describe('untilFleetIdle', () => {
  it('waits for a busy core to rest in Idle for the quiet time', async () => {
    const core = coreGoingThrough('busy', ['CreatingCertificate', 'Stopped', 'restarting', 'Starting', 'Idle']);
    const settled: number[] = [];
    const started = Date.now();
    const unsettled = await untilFleetIdle([core], {
      componentTimerScale: 1,
      quietMs: 600,
      timeoutMs: 30_000,
      onProgress: (n) => settled.push(n),
    });
    expect(unsettled).toEqual([]);
    // Four busy reads of 250 ms, then Idle held for the quiet time.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 250 + 600);
    expect(settled.at(-1)).toBe(1);
    expect(settled.filter((n) => n === 0).length).toBeGreaterThanOrEqual(5);
  });

  it('starts the quiet time again when a core leaves Idle', async () => {
    const core = coreGoingThrough('flaps', ['Idle', 'Idle', 'UpdatingJob', 'Idle']);
    const started = Date.now();
    expect(await untilFleetIdle([core], { componentTimerScale: 1, quietMs: 400, timeoutMs: 30_000 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 250 + 400);
  });

  it('names the cores still busy at the deadline, and counts a stopped core as at rest', async () => {
    const stuck = coreGoingThrough('stuck', ['CommittingCertificate']);
    const off = coreGoingThrough('off', ['stopped']);
    const resting = coreGoingThrough('resting', ['Idle']);
    const unsettled = await untilFleetIdle([stuck, off, resting], { componentTimerScale: 1, quietMs: 200, timeoutMs: 1_500 });
    expect(unsettled).toEqual([{ thingName: 'stuck', state: 'CommittingCertificate' }]);
  });
});
