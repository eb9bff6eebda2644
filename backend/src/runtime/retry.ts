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

/**
 * How long a retried call waits. The delay ceiling falls as the request ages, from `maxDelayMs` for
 * a request that has just begun to `baseDelayMs` once it is `urgentAfterMs` old.
 */
export interface BackoffTuning {
  /** The ceiling of an old request's delays: the shortest ceiling. */
  baseDelayMs: number;
  /** The ceiling of a request that has just begun: the longest. */
  maxDelayMs: number;
  /** The age from which a request retries at `baseDelayMs`. */
  urgentAfterMs: number;
}

export interface RetryEnvironment {
  budget: TimeBudget;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter source. */
  random: () => number;
  /** How long the request this call serves has been under way. */
  ageMs: () => number;
}

export interface RetryOptions extends Partial<BackoffTuning> {
  /** Which failures are worth another attempt; by default throttling, and a broken connection of a read. */
  isRetryable?: (error: unknown) => boolean;
}

export const DEFAULT_BACKOFF: BackoffTuning = { baseDelayMs: 250, maxDelayMs: 3_000, urgentAfterMs: 20_000 };

/**
 * The delay ceiling of a request `ageMs` old. Concurrent invocations share the account's quota and
 * cannot queue for it together, so the one that tries most often wins it; exponential backoff
 * would favour the request that came last. Here the longest-waiting request tries most often, so
 * the quota goes roughly first come, first served, and a request that arrived in a burst is not
 * outrun by the ones behind it until its device stops waiting.
 */
export function delayCeiling(ageMs: number, tuning: BackoffTuning): number {
  const urgency = tuning.urgentAfterMs > 0 ? Math.min(1, Math.max(0, ageMs) / tuning.urgentAfterMs) : 1;
  return tuning.maxDelayMs - (tuning.maxDelayMs - tuning.baseDelayMs) * urgency;
}

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
 * after the budget ends. Delays use "equal jitter" under the age's ceiling (`delayCeiling`): half
 * the ceiling plus a random half, so concurrent invocations of one age spread out.
 */
export async function withRetry<T>(
  operation: string,
  call: () => Promise<T>,
  env: RetryEnvironment,
  options: RetryOptions = {},
): Promise<T> {
  const isRetryable = options.isRetryable ?? isRetryableFor(operation);
  const tuning: BackoffTuning = {
    baseDelayMs: options.baseDelayMs ?? DEFAULT_BACKOFF.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs,
    urgentAfterMs: options.urgentAfterMs ?? DEFAULT_BACKOFF.urgentAfterMs,
  };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const ceiling = delayCeiling(env.ageMs(), tuning);
      const delay = ceiling / 2 + env.random() * (ceiling / 2);
      if (env.budget.remainingMs() - delay <= 0) {
        throw new RetryBudgetExhaustedError(operation, attempt, error);
      }
      await env.sleep(delay);
    }
  }
}
