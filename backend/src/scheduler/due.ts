import type { RotationPolicy } from './settings.js';

export const DAY_MS = 86_400_000;

/** What the registry and the certificate itself say about a thing's one certificate. */
export interface CertificateFacts {
  certificateId: string;
  /** When AWS IoT registered it (epoch ms). */
  createdAt: number;
  /** When it stops being valid (epoch ms): its own notAfter. */
  notAfter: number;
}

/** Why a certificate is due, for the report. */
export interface Due {
  reason: string;
  daysLeft: number;
  ageDays: number;
}

/**
 * Whether a certificate is due under the policy at `now`. Days left and age are counted in whole
 * days, down, so "fewer than 30 days left" starts 30 days before notAfter, not a day later.
 */
export function dueUnder(policy: RotationPolicy, facts: CertificateFacts, now: number): Due | undefined {
  const daysLeft = Math.floor((facts.notAfter - now) / DAY_MS);
  const ageDays = Math.floor((now - facts.createdAt) / DAY_MS);
  const reasons: string[] = [];
  if (policy.renewBeforeDays !== undefined && facts.notAfter - now < policy.renewBeforeDays * DAY_MS) {
    reasons.push(daysLeft < 0 ? 'expired' : `expires in ${daysLeft} day(s), less than ${policy.renewBeforeDays}`);
  }
  if (policy.maxAgeDays !== undefined && now - facts.createdAt > policy.maxAgeDays * DAY_MS) {
    reasons.push(`${ageDays} day(s) old, more than ${policy.maxAgeDays}`);
  }
  return reasons.length === 0 ? undefined : { reason: reasons.join('; '), daysLeft, ageDays };
}

/** Most urgent first: the soonest to expire, then the oldest, then by name (a stable order). */
export function byUrgency(a: { thingName: string; due: Due }, b: { thingName: string; due: Due }): number {
  return a.due.daysLeft - b.due.daysLeft || b.due.ageDays - a.due.ageDays || a.thingName.localeCompare(b.thingName);
}
