import { AWS_API_QUOTAS, quotaOf, type ApiQuota } from './api-quotas.js';
import type { OperationRef } from './service-name.js';

export interface RateLimitOptions {
  /** Epoch milliseconds; the account model's clock, so that a ManualClock drives refills too. */
  now: () => number;
  /**
   * Length of an AWS minute in ms (60000 in real time). A shortened minute raises every rate in
   * proportion, so that a sped-up run meets the quotas where a real-time one would.
   */
  minuteMs: number;
  quotas?: readonly ApiQuota[];
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * AWS's request-rate quotas as token buckets: each quota (per account, or per thing) refills at
 * its rate and holds at most one second's worth, so a burst up to the rate passes and a sustained
 * excess is refused, as AWS throttles.
 */
export class ApiRateLimits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly speed: number;
  private readonly quotas: readonly ApiQuota[];
  private readonly refused = new Map<OperationRef, number>();
  private readonly admitted = new Map<OperationRef, number>();

  constructor(private readonly options: RateLimitOptions) {
    if (!(options.minuteMs > 0)) throw new RangeError(`minuteMs must be positive, got ${options.minuteMs}`);
    this.speed = 60_000 / options.minuteMs;
    this.quotas = options.quotas ?? AWS_API_QUOTAS;
  }

  /**
   * True when the call may go ahead (and counts it), false when it exceeds its quota.
   * @param thingName the request's thing, for quotas that apply per thing
   */
  admit(operation: OperationRef, thingName?: string): boolean {
    const quota = quotaOf(operation, this.quotas);
    if (quota === undefined) return true;
    const rate = quota.rate * this.speed;
    const key = `${quota.operations[0] ?? operation}${quota.per === 'thing' ? `#${thingName ?? ''}` : ''}`;
    const now = this.options.now();
    const bucket = this.buckets.get(key) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      this.refused.set(operation, (this.refused.get(operation) ?? 0) + 1);
      return false;
    }
    bucket.tokens -= 1;
    this.admitted.set(operation, (this.admitted.get(operation) ?? 0) + 1);
    return true;
  }

  /** Calls refused so far. */
  throttledCalls(): number {
    return [...this.refused.values()].reduce((sum, n) => sum + n, 0);
  }

  /** Calls let through so far, per operation that has a quota (what a run needed of each quota). */
  admittedByOperation(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.admitted);
  }

  /** Calls refused so far, per operation. */
  throttledByOperation(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.refused);
  }
}
