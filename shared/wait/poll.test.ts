import { describe, expect, it } from 'vitest';
import { pollUntil, waitFor } from './poll.js';

function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('pollUntil', () => {
  it('returns the first value that is done, sleeping the interval between reads', async () => {
    const time = fakeTime();
    let reads = 0;
    const polled = await pollUntil(
      () => (reads += 1),
      (n) => n === 3,
      { timeoutMs: 10_000, intervalMs: 100, ...time },
    );
    expect(polled).toEqual({ value: 3, done: true });
    expect(time.sleeps).toEqual([100, 100]);
  });

  it('gives up at the deadline with the last value read', async () => {
    const time = fakeTime();
    let reads = 0;
    const polled = await pollUntil(
      async () => (reads += 1),
      () => false,
      { timeoutMs: 1_000, intervalMs: 300, ...time },
    );
    // Reads at 0, 300, 600, 900 and 1200 ms: the read after the deadline is the last.
    expect(polled).toEqual({ value: 5, done: false });
    expect(time.now()).toBe(1_200);
  });

  it('lets an error of the probe through', async () => {
    await expect(
      pollUntil(
        () => Promise.reject(new Error('denied')),
        () => true,
        { timeoutMs: 1_000, intervalMs: 10 },
      ),
    ).rejects.toThrow('denied');
  });
});

describe('waitFor', () => {
  it('resolves once the condition holds', async () => {
    let reads = 0;
    await waitFor('the third read', () => (reads += 1) >= 3, { timeoutMs: 10_000, intervalMs: 1 });
    expect(reads).toBe(3);
  });

  it('names what it waited for when the time runs out', async () => {
    await expect(waitFor('the core to subscribe', () => false, { timeoutMs: 2_000, intervalMs: 500, ...fakeTime() })).rejects.toThrow(
      'timed out after 2 s waiting for the core to subscribe',
    );
  });
});
