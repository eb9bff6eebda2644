import { AWS_API_QUOTAS, quotaOf, type ApiQuota } from '../../integration/aws/index.js';
import type { FleetResult } from './result.js';

export interface AwsFloor {
  /** Dispatching every execution at the job's rollout rate. */
  rolloutMs: number;
  /** The account-wide quota the run's calls needed longest for, and how long. */
  tightestQuota?: { operations: string; ratePerSecond: number; calls: number; callsPerRotation: number; ms: number };
  /** The longer of the two: no run against real AWS with these quotas can be faster. */
  floorMs: number;
  /**
   * True when every rotation succeeded, so that the calls counted are those successful rotations
   * make. Otherwise rotations that ended early made fewer, and the floor is a lower bound of the
   * floor of a run that succeeds.
   */
  exact: boolean;
}

/**
 * The least time AWS itself allows for a run in which every rotation succeeds: the rollout hands
 * out executions at its rate, and each account-wide request-rate quota passes at most its rate, so
 * it needs (calls a rotation makes x cores) / rate. The calls a rotation makes are those the run
 * made (retries of throttled calls excluded, since AWS refused them) over its cores; per-thing
 * quotas (the shadow's) do not bind a fleet and are left out.
 */
export function awsFloor(result: FleetResult, quotas: readonly ApiQuota[] = AWS_API_QUOTAS): AwsFloor {
  const speed = 60_000 / result.minuteMs;
  const perMinute = result.spec.rolloutPerMinute ?? result.rollout?.maximumPerMinute ?? 1000;
  const rolloutMs = (result.spec.devices / perMinute) * result.minuteMs;
  const byQuota = new Map<ApiQuota, number>();
  for (const [operation, calls] of Object.entries(result.apiCalls)) {
    const quota = quotaOf(operation as ApiQuota['operations'][number], quotas);
    if (quota !== undefined && quota.per !== 'thing') byQuota.set(quota, (byQuota.get(quota) ?? 0) + calls);
  }
  let tightest: AwsFloor['tightestQuota'];
  for (const [quota, calls] of byQuota) {
    const ms = (calls / (quota.rate * speed)) * 1000;
    if (tightest === undefined || ms > tightest.ms) {
      tightest = {
        operations: quota.operations.join('+'),
        ratePerSecond: quota.rate,
        calls,
        callsPerRotation: calls / result.spec.devices,
        ms,
      };
    }
  }
  const exact = (result.statuses['SUCCEEDED'] ?? 0) === result.spec.devices;
  return { rolloutMs, ...(tightest ? { tightestQuota: tightest } : {}), floorMs: Math.max(rolloutMs, tightest?.ms ?? 0), exact };
}
