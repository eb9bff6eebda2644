import { describe, expect, it } from 'vitest';
import { isThrottlingError, RetryBudgetExhaustedError, withRetry, type RetryEnvironment } from '../../src/runtime/retry.js';
import { reserving, timeBudget } from '../../src/runtime/time-budget.js';
import { awsError } from './support/harness.js';

function environment(remainingMs: number): RetryEnvironment & { sleeps: number[] } {
  const sleeps: number[] = [];
  let elapsed = 0;
  return {
    budget: { remainingMs: () => remainingMs - elapsed },
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
  it('retries throttling with exponentially growing, jittered delays, then returns the result', async () => {
    const env = environment(10_000);
    const op = failing(awsError('ThrottlingException'), awsError('TooManyRequestsException', 429), awsError('Throttling'));
    await expect(withRetry('ListThings', op.call, env)).resolves.toBe('done');
    expect(op.attempts()).toBe(4);
    // Equal jitter with random 0.5: three quarters of a ceiling that doubles from 100 ms.
    expect(env.sleeps).toEqual([75, 150, 300]);
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
    expect(sleepsLow).toEqual([50]);
    expect(sleepsHigh[0]).toBeGreaterThan(99);
  });

  it('caps the delay', async () => {
    const env = environment(1_000_000);
    const op = failing(...Array.from({ length: 8 }, () => awsError('ThrottlingException')));
    await withRetry('Op', op.call, env, { baseDelayMs: 100, maxDelayMs: 1_000 });
    expect(Math.max(...env.sleeps)).toBe(750);
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
      isRetryable: (e) => (e as Error).name === 'DeleteConflictException',
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^DeleteCertificate still failed with DeleteConflictException after 3 attempts/);
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
