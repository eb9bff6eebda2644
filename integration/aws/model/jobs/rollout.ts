import type { RolloutConfig } from './types.js';

/** AWS IoT's default rollout when a job sets none. */
const DEFAULT_MAXIMUM_PER_MINUTE = 1000;

export interface RolloutCounts {
  notified: number;
  succeeded: number;
}

/**
 * The rate at which a job's executions are released to devices, one minute window at a time.
 * With an exponential rate the window size starts at the base rate and grows by the increment
 * factor each time the criterion (notified or succeeded things) gains another step, capped by
 * `maximumPerMinute` when given.
 */
export class RolloutRate {
  private rate: number;
  private readonly cap: number;
  private increases = 0;

  constructor(private readonly config: RolloutConfig | undefined) {
    this.cap = config?.maximumPerMinute ?? DEFAULT_MAXIMUM_PER_MINUTE;
    this.rate = Math.min(config?.exponentialRate?.baseRatePerMinute ?? this.cap, this.cap);
  }

  /** How many executions the window that starts now may release. */
  windowAllowance(counts: RolloutCounts): number {
    const exponential = this.config?.exponentialRate;
    if (exponential) {
      const criteria = exponential.rateIncreaseCriteria;
      const step = criteria.numberOfNotifiedThings ?? criteria.numberOfSucceededThings ?? Number.POSITIVE_INFINITY;
      const reached = criteria.numberOfNotifiedThings !== undefined ? counts.notified : counts.succeeded;
      const due = Math.floor(reached / step);
      while (this.increases < due) {
        this.rate = Math.min(this.rate * exponential.incrementFactor, this.cap);
        this.increases += 1;
      }
    }
    return Math.max(1, Math.floor(this.rate));
  }
}
