/**
 * Paces AWS calls per operation: at most `perSecond` starts of one operation each second, so a run
 * over a whole fleet stays inside AWS's API rates and leaves room for the rotation functions, which
 * share the same account quotas. Each operation has its own pace because AWS meters them apart.
 */
export interface RateLimiter {
  /** Resolves when a call of `operation` may start. */
  acquire(operation: string): Promise<void>;
}

export function rateLimiter(perSecond: number, clock: { now(): number; sleep(ms: number): Promise<void> }): RateLimiter {
  if (!(perSecond > 0)) throw new Error(`A rate must be more than 0 per second, got ${perSecond}`);
  const spacingMs = 1000 / perSecond;
  const nextStart = new Map<string, number>();
  return {
    async acquire(operation) {
      const now = clock.now();
      const start = Math.max(now, nextStart.get(operation) ?? now);
      nextStart.set(operation, start + spacingMs);
      if (start > now) await clock.sleep(start - now);
    },
  };
}
