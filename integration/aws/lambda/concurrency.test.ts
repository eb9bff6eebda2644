import { describe, expect, it } from 'vitest';
import { AccountConcurrency, ConcurrencyLimit } from './concurrency.js';

describe('concurrency limits', () => {
  it("gives freed room to the functions in turn, so one function's backlog does not hold up another's", async () => {
    const limit = new ConcurrencyLimit(1);
    const started: string[] = [];
    const holder = await limit.acquire('flooded');
    const waiters = ['flooded', 'flooded', 'flooded', 'quiet'].map((name, i) =>
      limit.acquire(name).then((release) => {
        started.push(`${name}-${i}`);
        // Done at once: the room goes to the next in turn.
        setImmediate(release);
      }),
    );
    holder();
    await Promise.all(waiters);
    expect(started).toEqual(['flooded-0', 'quiet-3', 'flooded-1', 'flooded-2']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(limit.running).toBe(0);
  });

  it('takes reserved concurrency out of the unreserved pool and refuses to leave it below its minimum', () => {
    const account = new AccountConcurrency(20);
    account.putReserved('reserved', 5);
    expect(account.limitOf('reserved').limit).toBe(5);
    expect(account.limitOf('other').limit).toBe(15);
    expect(() => account.putReserved('greedy', 14)).toThrow('below its minimum value of [2]');
    expect(() => account.putReserved('odd', -1)).toThrow('ReservedConcurrentExecutions must be a whole number of 0 or more');
    account.deleteReserved('reserved');
    expect(account.limitOf('reserved').limit).toBe(20);
  });
});
