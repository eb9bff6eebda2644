import { describe, expect, it } from 'vitest';
import { TEMPLATE_ROLLOUT_PER_MINUTE, jobTiming, pacedRollout } from './pacing.js';

describe('rollout paced to the machine', () => {
  it('notifies fewer cores per AWS minute the longer a core took to provision', () => {
    const busy = pacedRollout(2, 2);
    const quiet = pacedRollout(0.2, 2);
    expect(busy).toBeGreaterThanOrEqual(1);
    expect(busy).toBeLessThan(quiet);
    expect(quiet).toBeLessThanOrEqual(TEMPLATE_ROLLOUT_PER_MINUTE);
  });

  it('keeps the same pace in real time whatever the AWS minute', () => {
    // An AWS minute twice as short lets half as many cores through per AWS minute.
    expect(pacedRollout(2, 1)).toBe(2 * pacedRollout(2, 2));
  });

  it('never goes above the template or below one core', () => {
    expect(pacedRollout(0.0001, 2)).toBe(TEMPLATE_ROLLOUT_PER_MINUTE);
    expect(pacedRollout(1000, 60)).toBe(1);
  });

  it('waits for every rollout window and one in-progress timeout, with room to spare', () => {
    const { minuteMs, watchTimeoutMs } = jobTiming(200, 2, 10);
    expect(minuteMs).toBe(30_000);
    // 20 windows and 5 in-progress minutes, half as long again, and a minute.
    expect(watchTimeoutMs).toBe(Math.round(25 * 30_000 * 1.5) + 60_000);
  });
});
