import { describe, expect, it } from 'vitest';
import { OffsetClock } from './clock.js';

describe('OffsetClock', () => {
  it('runs with real time and moves forward when told, firing what falls due in order', async () => {
    let real = 1_000;
    const clock = new OffsetClock(() => real);
    const fired: string[] = [];
    clock.setTimer(5 * 86_400_000, () => fired.push('five days'));
    clock.setTimer(86_400_000, () => fired.push('one day'));
    const later = clock.setTimer(30 * 86_400_000, () => fired.push('thirty days'));
    clock.setTimer(100_000, () => fired.push('cancelled')).cancel();
    real += 500;
    expect(clock.now()).toBe(1_500);
    clock.advance(10 * 86_400_000);
    expect(clock.now()).toBe(1_500 + 10 * 86_400_000);
    expect(fired).toEqual(['one day', 'five days']);
    later.cancel();
    expect(() => clock.advance(-1)).toThrow(/only moves forward/);
  });

  it('fires a timer that is not yet due on real time', async () => {
    const clock = new OffsetClock();
    const done = new Promise<number>((resolve) => clock.setTimer(20, () => resolve(clock.now())));
    clock.advance(3_600_000);
    expect(await done).toBeGreaterThan(Date.now() + 3_500_000);
  });
});
