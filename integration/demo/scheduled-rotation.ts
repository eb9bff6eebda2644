import type { AwsStandIn } from '../aws/index.js';
import type { BackendDeployment } from '../local/deploy-backend.js';
import { deployScheduler } from '../local/deploy-scheduler.js';

const DAY_MS = 86_400_000;

/** The scheduler's window in the demo: certificates with fewer days left than this are due. */
export const DEMO_RENEW_BEFORE_DAYS = 30;

/**
 * `--expiring N`: the first N cores get certificates that expire within the renew window, the
 * others ten-year ones; undefined leaves every core its default certificate.
 */
export function demoValidity(
  expiring: number | undefined,
  now: number,
): ((index: number) => { notBefore: number; notAfter: number } | undefined) | undefined {
  if (expiring === undefined) return undefined;
  return (index) =>
    index < expiring ? { notBefore: now - DAY_MS, notAfter: now + (DEMO_RENEW_BEFORE_DAYS / 3 + 0.5) * DAY_MS } : undefined;
}

/** Runs the rotation scheduler once over the demo's thing group; returns the jobs it created. */
export async function runSchedulerOnce(
  standIn: AwsStandIn,
  backend: BackendDeployment,
  thingGroup: string,
): Promise<{ jobIds: string[]; targeted: number }> {
  const scheduler = await deployScheduler(standIn, backend, {
    thingGroups: [thingGroup],
    renewBeforeDays: DEMO_RENEW_BEFORE_DAYS,
    callsPerSecond: 20,
    logLevel: 'ERROR',
  });
  const [report] = await scheduler.runOnce();
  const jobIds = report?.jobs.map((j) => j.jobId) ?? [];
  return { jobIds, targeted: report?.started.length ?? 0 };
}
