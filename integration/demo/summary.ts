import type { CoreOutcome } from '../local/verify-fleet.js';

export interface DemoRotation {
  thingName: string;
  status: string;
  /** The DeviceFailureReason the core reported in its job execution's status details. */
  reason?: string;
  oldCertificateId: string;
  newCertificateId?: string;
  /** Why the core counts as bricked: what it cannot do with what it has installed. */
  brickedBecause?: string[];
  /** What is wrong with the thing's certificates although the core works (an ACTIVE certificate too many). */
  registryProblems?: string[];
}

export interface DemoSummary {
  devices: number;
  nucleus: 'process' | 'inline';
  issuer: 'iot' | 'pca';
  keyAlgorithm: string;
  signingAlgorithm: string;
  hsm: boolean;
  /** How the backend was deployed into the stand-in: from its synthesized CloudFormation template. */
  backendDeployment: 'template';
  minuteScale: number;
  /** Cores the job notified per AWS minute. */
  rolloutPerMinute: number;
  componentTimerScale: number;
  /** How the component reached the cores; see componentDeployment(). */
  componentDeployment: 'greengrass' | 'inline';
  jobId: string;
  succeeded: number;
  failed: number;
  timedOut: number;
  /** Executions that had not ended when the demo gave up waiting. */
  unfinished: number;
  oldCertificatesDeleted: number;
  bricked: number;
  /** Cores that work but whose thing does not hold exactly one ACTIVE certificate (the case below aside). */
  registryInconsistent: number;
  /**
   * Things left with both certificates ACTIVE, announced on SNS, for the core's next rotation to
   * settle (README): the job ended after the commit without the core saying which it kept, or the
   * terminal function's clean-up did not complete.
   */
  awaitingNextRotation: number;
  /** `--expiring`: jobs the rotation scheduler created, and cores it rightly left alone. */
  scheduledJobs?: number;
  untouched?: number;
  /** Certificates attached to the fleet's things beyond one each. */
  extraCertificates: number;
  /** Cores whose component was still busy long after their jobs ended; they were checked as they were. */
  unsettled?: number;
  /** With --attacker: the attacker's publishes and requests that went nowhere. */
  attackerRequestsDropped?: number;
  notifications: Array<{ subject?: string; message: string }>;
  rotations: DemoRotation[];
  wallSeconds: number;
  /** Kept with --keep: each core's Greengrass root (and its logs) is under it. */
  workDir?: string;
}

/**
 * Process mode publishes the build to the stand-in's Greengrass and deploys it to the thing group
 * (`greengrass`); inline cores run the component's code inside the demo, configured directly,
 * with no build and no deployment (`inline`).
 */
export const componentDeployment = (nucleus: 'process' | 'inline'): DemoSummary['componentDeployment'] =>
  nucleus === 'process' ? 'greengrass' : 'inline';

const short = (id: string | undefined): string => (id ? `${id.slice(0, 12)}…` : '(none)');

/** The human-readable end of the demo. */
export function formatSummary(s: DemoSummary): string {
  const lines = [
    '',
    `Rotation job ${s.jobId}: ${s.devices} cores (${s.nucleus} mode, issuer ${s.issuer === 'pca' ? 'AWS Private CA' : 'AWS IoT Core'}, ${s.keyAlgorithm} / ${s.signingAlgorithm}${s.hsm ? ', keys in SoftHSM2' : ''})`,
    `  succeeded ${s.succeeded}   failed ${s.failed}   timed out ${s.timedOut}${s.unfinished ? `   unfinished ${s.unfinished}` : ''}` +
      (s.scheduledJobs === undefined ? '' : `   scheduled jobs ${s.scheduledJobs}   untouched ${s.untouched ?? 0}`),
    `  old certificates deleted ${s.oldCertificatesDeleted}/${s.devices}   bricked ${s.bricked}   registry inconsistent ${s.registryInconsistent}` +
      `${s.awaitingNextRotation ? `   awaiting next rotation ${s.awaitingNextRotation}` : ''}   extra certificates ${s.extraCertificates}   wall time ${s.wallSeconds.toFixed(1)} s`,
    ...(s.attackerRequestsDropped === undefined ? [] : [`  attacker requests dropped ${s.attackerRequestsDropped}`]),
    ...(s.unsettled === undefined
      ? []
      : [`  ! ${s.unsettled} cores were still busy long after their jobs ended, and were checked as they were`]),
    '',
    '  core                          status      old certificate    new certificate',
  ];
  for (const r of s.rotations) {
    const changed = r.newCertificateId && r.newCertificateId !== r.oldCertificateId ? short(r.newCertificateId) : '(unchanged)';
    lines.push(`  ${r.thingName.padEnd(30)}${r.status.padEnd(12)}${short(r.oldCertificateId).padEnd(19)}${changed}`);
    if (r.reason) lines.push(`      reason: ${r.reason}`);
    for (const problem of [...(r.brickedBecause ?? []), ...(r.registryProblems ?? [])]) lines.push(`      ! ${problem}`);
  }
  lines.push('', `  SNS notifications: ${s.notifications.length}`);
  for (const n of s.notifications) lines.push(`    - ${n.message}`);
  if (s.workDir) lines.push('', `  Kept ${s.workDir}: each core's log is <core>/logs/aws.greengrass.labs.CertificateRotator.log`);
  return lines.join('\n');
}

export function countOutcomes(
  statuses: string[],
  outcomes: CoreOutcome[],
): Pick<
  DemoSummary,
  | 'succeeded'
  | 'failed'
  | 'timedOut'
  | 'unfinished'
  | 'oldCertificatesDeleted'
  | 'bricked'
  | 'registryInconsistent'
  | 'awaitingNextRotation'
  | 'extraCertificates'
> {
  const count = (status: string): number => statuses.filter((s) => s === status).length;
  return {
    succeeded: count('SUCCEEDED'),
    failed: count('FAILED'),
    timedOut: count('TIMED_OUT'),
    unfinished: statuses.filter((s) => s === 'QUEUED' || s === 'IN_PROGRESS').length,
    oldCertificatesDeleted: outcomes.filter((o) => o.initialCertificateDeleted).length,
    bricked: outcomes.filter((o) => o.bricked).length,
    registryInconsistent: outcomes.filter((o) => o.registryInconsistent).length,
    awaitingNextRotation: outcomes.filter((o) => o.awaitingNextRotation).length,
    extraCertificates: outcomes.reduce((sum, o) => sum + Math.max(0, o.attached.length - 1), 0),
  };
}
