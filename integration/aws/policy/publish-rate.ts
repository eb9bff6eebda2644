/**
 * AWS IoT Core's per-connection publish quota: 100 inbound publish requests per second per
 * connection, not adjustable. Publishes beyond it are throttled: the message is dropped (a QoS 1
 * publish gets no PUBACK) and the connection stays open.
 */
export const PUBLISH_REQUESTS_PER_SECOND_PER_CONNECTION = 100;

/** A token bucket per connection, refilled continuously at the quota's rate. */
export class PublishRateLimiter {
  private readonly buckets = new WeakMap<object, { tokens: number; at: number }>();
  throttled = 0;

  constructor(
    private readonly perSecond = PUBLISH_REQUESTS_PER_SECOND_PER_CONNECTION,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True when this connection may publish now; false (and counted) when it is throttled. */
  take(connection: object): boolean {
    const now = this.now();
    const bucket = this.buckets.get(connection) ?? { tokens: this.perSecond, at: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(connection, bucket);
    if (bucket.tokens < 1) {
      this.throttled += 1;
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }
}
