import { errorName, httpStatus } from '../aws/errors.js';
import type { TimeBudget } from './time-budget.js';

/** Error names AWS services use when a caller exceeds a request rate. */
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

/** Statuses that mean "try again later" rather than "this request is wrong". */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

export function isThrottlingError(error: unknown): boolean {
  if (THROTTLING_NAMES.has(errorName(error))) return true;
  if (errorName(error) === 'ServiceUnavailableException') return true;
  const status = httpStatus(error);
  if (status !== undefined && RETRYABLE_STATUSES.has(status)) return true;
  if (typeof error === 'object' && error !== null && '$retryable' in error) {
    const retryable: unknown = error.$retryable;
    return typeof retryable === 'object' && retryable !== null && 'throttling' in retryable && retryable.throttling === true;
  }
  return false;
}

/** Socket errors of a connection that broke (the peer closed an idle kept-alive one, say). */
const CONNECTION_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT']);

export function isConnectionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? error.code : undefined;
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  return error instanceof Error && error.message === 'socket hang up';
}

/**
 * Reads change nothing, so a read whose connection broke is asked again: the SDK's own retries,
 * which would do that, are off. A write is not, since it may have been carried out before the
 * connection broke.
 */
export function isRetryableFor(operation: string): (error: unknown) => boolean {
  const read = /^(List|Describe|Get)/.test(operation);
  return (error) => isThrottlingError(error) || (read && isConnectionError(error));
}

export interface BackoffTuning {
  /** First delay ceiling; doubles per attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryEnvironment {
  budget: TimeBudget;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter source. */
  random: () => number;
}

export interface RetryOptions extends Partial<BackoffTuning> {
  /** Which failures are worth another attempt; by default throttling, and a broken connection of a read. */
  isRetryable?: (error: unknown) => boolean;
}

export const DEFAULT_BACKOFF: BackoffTuning = { baseDelayMs: 100, maxDelayMs: 3_000 };

/** Raised when a call kept failing with retryable errors until the time budget ran out. */
export class RetryBudgetExhaustedError extends Error {
  override readonly name = 'RetryBudgetExhaustedError';
  constructor(
    readonly operation: string,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(
      isThrottlingError(lastError)
        ? `AWS throttling: ${operation} was still throttled (${errorName(lastError)}) after ${attempts} attempts when the time budget ran out`
        : `${operation} still failed with ${errorName(lastError)} after ${attempts} attempts when the time budget ran out`,
      { cause: lastError },
    );
  }
}

/**
 * Runs `call` until it succeeds, fails with a non-retryable error, or the next attempt would start
 * after the budget ends. Delays use "equal jitter": half the exponential ceiling plus a random half,
 * so concurrent invocations spread out yet each still backs off.
 */
export async function withRetry<T>(
  operation: string,
  call: () => Promise<T>,
  env: RetryEnvironment,
  options: RetryOptions = {},
): Promise<T> {
  const isRetryable = options.isRetryable ?? isRetryableFor(operation);
  const base = options.baseDelayMs ?? DEFAULT_BACKOFF.baseDelayMs;
  const cap = options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
      const delay = ceiling / 2 + env.random() * (ceiling / 2);
      if (env.budget.remainingMs() - delay <= 0) {
        throw new RetryBudgetExhaustedError(operation, attempt, error);
      }
      await env.sleep(delay);
    }
  }
}
