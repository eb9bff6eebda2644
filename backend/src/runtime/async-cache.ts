/**
 * Caches the first successful result of `load`. A failed load is forgotten, so a later caller
 * tries again (one throttled DescribeEndpoint must not poison the instance for good).
 */
export function asyncCache<A extends unknown[], T>(load: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let pending: Promise<T> | undefined;
  return (...args) => {
    if (pending !== undefined) return pending;
    const attempt = load(...args);
    pending = attempt;
    attempt.catch(() => {
      if (pending === attempt) pending = undefined;
    });
    return attempt;
  };
}
