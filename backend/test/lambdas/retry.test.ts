import { describe, expect, it } from 'vitest';
import { delayCeiling, isThrottlingError, RetryBudgetExhaustedError, withRetry, type RetryEnvironment } from '../../src/runtime/retry.js';
import { reserving, timeBudget } from '../../src/runtime/time-budget.js';
import { awsError } from './support/harness.js';

/** A request that began `startAgeMs` before the call, on a clock that moves only when it sleeps. */
function environment(remainingMs: number, startAgeMs = 0): RetryEnvironment & { sleeps: number[] } {
  const sleeps: number[] = [];
  let elapsed = 0;
  return {
    budget: { remainingMs: () => remainingMs - elapsed },
    ageMs: () => startAgeMs + elapsed,
    sleep: (ms) => {
      sleeps.push(ms);
      elapsed += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
    sleeps,
  };
}

/** A call that fails with the given errors, one per attempt, then answers `done`. */
function failing(...errors: Error[]): { call: () => Promise<string>; attempts: () => number } {
  let attempts = 0;
  return {
    call: () => {
      const error = errors[attempts];
      attempts += 1;
      return error === undefined ? Promise.resolve('done') : Promise.reject(error);
    },
    attempts: () => attempts,
  };
}

describe('withRetry', () => {
  it('retries throttling with jittered delays that shorten as the request ages, then returns the result', async () => {
    const env = environment(10_000);
    const op = failing(awsError('ThrottlingException'), awsError('TooManyRequestsException', 429), awsError('Throttling'));
    await expect(withRetry('ListThings', op.call, env)).resolves.toBe('done');
    expect(op.attempts()).toBe(4);
    // Equal jitter with random 0.5: three quarters of the ceiling, which falls from 3 s at age 0
    // towards 250 ms at 20 s.
    expect(env.sleeps[0]).toBe(2_250);
    expect(env.sleeps[1]).toBeLessThan(env.sleeps[0]!);
    expect(env.sleeps[2]).toBeLessThan(env.sleeps[1]!);
    const ages = [0, env.sleeps[0]!, env.sleeps[0]! + env.sleeps[1]!];
    expect(env.sleeps).toEqual(ages.map((age) => 0.75 * delayCeiling(age, { baseDelayMs: 250, maxDelayMs: 3_000, urgentAfterMs: 20_000 })));
  });

  it('lets a request that has waited long retry more often than one that has just begun', async () => {
    const fresh = environment(60_000, 0);
    const old = environment(60_000, 20_000);
    const throttledFor = (times: number) => failing(...Array.from({ length: times }, () => awsError('ThrottlingException')));
    await withRetry('ListThingPrincipalsV2', throttledFor(5).call, fresh);
    await withRetry('ListThingPrincipalsV2', throttledFor(5).call, old);
    const total = (sleeps: number[]) => sleeps.reduce((a, b) => a + b, 0);
    expect(total(old.sleeps)).toBeLessThan(total(fresh.sleeps) / 4);
    // Past the urgent age every delay is at the shortest ceiling.
    expect(old.sleeps).toEqual(Array.from({ length: 5 }, () => 187.5));
  });

  it('asks a read again after its connection broke, but not a write, which may have been carried out', async () => {
    const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const read = failing(reset(), new Error('socket hang up'));
    await expect(withRetry('ListThingPrincipalsV2', read.call, environment(10_000))).resolves.toBe('done');
    expect(read.attempts()).toBe(3);
    const write = failing(reset());
    await expect(withRetry('CreateCertificateFromCsr', write.call, environment(10_000))).rejects.toThrow('read ECONNRESET');
    expect(write.attempts()).toBe(1);
  });

  it('spreads delays with the random source', async () => {
    const low = { ...environment(10_000), random: () => 0 };
    const high = { ...environment(10_000), random: () => 0.999 };
    const sleepsLow: number[] = [];
    const sleepsHigh: number[] = [];
    await withRetry('Op', failing(awsError('ThrottlingException')).call, {
      ...low,
      sleep: (ms) => (sleepsLow.push(ms), Promise.resolve()),
    });
    await withRetry('Op', failing(awsError('ThrottlingException')).call, {
      ...high,
      sleep: (ms) => (sleepsHigh.push(ms), Promise.resolve()),
    });
    expect(sleepsLow).toEqual([1_500]);
    expect(sleepsHigh[0]).toBeGreaterThan(2_990);
  });

  it('takes its ceilings from the options', async () => {
    const env = environment(1_000_000);
    const op = failing(...Array.from({ length: 8 }, () => awsError('ThrottlingException')));
    await withRetry('Op', op.call, env, { baseDelayMs: 100, maxDelayMs: 1_000, urgentAfterMs: 2_000 });
    expect(env.sleeps[0]).toBe(750);
    expect(env.sleeps.at(-1)).toBe(75);
  });

  it('passes other errors through at once', async () => {
    const env = environment(10_000);
    const op = failing(awsError('InvalidRequestException'));
    await expect(withRetry('Op', op.call, env)).rejects.toMatchObject({ name: 'InvalidRequestException' });
    expect(op.attempts()).toBe(1);
    expect(env.sleeps).toEqual([]);
  });

  it('fails naming throttling and the operation when the budget runs out', async () => {
    const env = environment(2_000);
    const op = failing(...Array.from({ length: 100 }, () => awsError('ThrottlingException')));
    const error = await withRetry('ListThingPrincipalsV2', op.call, env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryBudgetExhaustedError);
    expect((error as Error).message).toMatch(
      /^AWS throttling: ListThingPrincipalsV2 was still throttled \(ThrottlingException\) after \d+ attempts/,
    );
    expect(env.sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(2_000);
    expect(op.attempts()).toBe(env.sleeps.length + 1);
  });

  it('retries what a custom predicate allows and names it when time runs out', async () => {
    const env = environment(1_500);
    const conflict = () => awsError('DeleteConflictException', 409);
    const op = failing(conflict(), conflict(), conflict(), conflict(), conflict());
    const error = await withRetry('DeleteCertificate', op.call, env, {
      baseDelayMs: 500,
      maxDelayMs: 500,
      isRetryable: (e) => (e as Error).name === 'DeleteConflictException',
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^DeleteCertificate still failed with DeleteConflictException after 4 attempts/);
  });
});

describe('delayCeiling', () => {
  const tuning = { baseDelayMs: 250, maxDelayMs: 3_000, urgentAfterMs: 20_000 };
  it('falls from the longest ceiling for a new request to the shortest at the urgent age, and stays there', () => {
    expect(delayCeiling(0, tuning)).toBe(3_000);
    expect(delayCeiling(10_000, tuning)).toBe(1_625);
    expect(delayCeiling(20_000, tuning)).toBe(250);
    expect(delayCeiling(120_000, tuning)).toBe(250);
  });
  it('never grows with age', () => {
    const ceilings = Array.from({ length: 30 }, (_, second) => delayCeiling(second * 1_000, tuning));
    expect(ceilings).toEqual([...ceilings].sort((a, b) => b - a));
  });
  it('treats a clock that went back as a new request, and no urgent age as always urgent', () => {
    expect(delayCeiling(-5_000, tuning)).toBe(3_000);
    expect(delayCeiling(0, { ...tuning, urgentAfterMs: 0 })).toBe(250);
  });
});

describe('isThrottlingError', () => {
  it.each(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded', 'ServiceUnavailableException'])(
    'treats %s as retryable',
    (name) => expect(isThrottlingError(awsError(name))).toBe(true),
  );
  it.each([429, 503])('treats HTTP %i as retryable', (status) => expect(isThrottlingError(awsError('Unknown', status))).toBe(true));
  it.each(['LimitExceededException', 'InvalidRequestException', 'ResourceNotFoundException', 'DeleteConflictException'])(
    'does not retry %s',
    (name) => expect(isThrottlingError(awsError(name))).toBe(false),
  );
  it('honours the SDK throttling marker', () => {
    expect(isThrottlingError(Object.assign(awsError('Odd'), { $retryable: { throttling: true } }))).toBe(true);
  });
});

describe('timeBudget', () => {
  it('uses the Lambda context minus the margin', () => {
    expect(timeBudget({ getRemainingTimeInMillis: () => 9_000 }, { defaultMs: 1, marginMs: 1_000 }).remainingMs()).toBe(8_000);
  });
  it('falls back to the default when there is no context', () => {
    let now = 100;
    const budget = timeBudget(undefined, { defaultMs: 10_000, marginMs: 1_000, now: () => now });
    now += 4_000;
    expect(budget.remainingMs()).toBe(5_000);
    expect(reserving(budget, 2_000).remainingMs()).toBe(3_000);
  });
});
