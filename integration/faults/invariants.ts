import { X509Certificate } from 'node:crypto';
import type { AwsStandIn } from '../aws/index.js';
import { certificateIdOf } from '../aws/index.js';
import type { RunningCore } from '../local/fleet-runner.js';
import { announcesNextRotation, shadowProgress } from '../local/verify-fleet.js';

/** How a job ended for the core, once everything has settled. */
export type Outcome =
  | 'succeeded'
  /** FAILED or TIMED_OUT, the core back on its old certificate, the operator told. */
  | 'rolledBack'
  | 'timedOut'
  /** FAILED or TIMED_OUT after its commit, but the core kept the new certificate, and said so. */
  | 'keptNew'
  /** Ended after its commit without telling: both certificates stay until the next rotation (the case the README names). */
  | 'unsettled'
  /** AWS IoT's job execution event never reached the backend: nothing was cleaned up; the next rotation does it. */
  | 'eventLost'
  /** An invariant does not hold; see the violations. */
  | 'violated';

export interface CaseFacts {
  thingName: string;
  jobId: string;
  status: string;
  /** The device's reason, for a FAILED execution. */
  reason?: string;
  oldCertificateId: string;
  installedCertificateId?: string;
  attached: Array<{ certificateId: string; status: string }>;
  notifications: string[];
  shadowProgress?: string;
}

export interface InvariantReport {
  outcome: Outcome;
  bricked: boolean;
  registryInconsistent: boolean;
  orphanCertificates: string[];
  violations: string[];
  facts: CaseFacts;
}

/** The certificates attached to the thing, with their status. */
export function attachedCertificates(standIn: AwsStandIn, thingName: string): Array<{ certificateId: string; status: string }> {
  return standIn.model.registry.listThingPrincipals(thingName).flatMap((arn) => {
    const certificateId = arn.slice(arn.lastIndexOf('/') + 1);
    const record = standIn.model.registry.certificates.find(certificateId);
    return record ? [{ certificateId, status: record.status }] : [];
  });
}

/** The subject CN the backend's certificates for a thing carry (the core copies its own). */
export function subjectThing(certificatePem: string): string | undefined {
  return /CN=([^,\n]+)/.exec(new X509Certificate(certificatePem).subject)?.[1];
}

/**
 * Checks, once a job has ended and everything has settled, what must hold whatever the fault:
 * the core connects with a certificate and key that match, ACTIVE and attached to its thing; the
 * thing holds exactly that one certificate (or both of the rotation, unsettled, with the
 * notification that says so); a failed or timed-out job has a notification and the core on its
 * old certificate (or on the new one, when the notification says it kept it); every certificate
 * the backend created for the thing is attached to it or deleted; no rotation record is left but
 * the unsettled one.
 */
export async function checkInvariants(
  standIn: AwsStandIn,
  core: RunningCore,
  job: {
    jobId: string;
    oldCertificateId: string;
    createdCertificates: readonly string[];
    notificationsBefore: number;
    /** The job execution event was lost on its way to the backend, so the terminal function never ran. */
    terminalEventLost?: boolean;
  },
): Promise<InvariantReport> {
  const thingName = core.core.thingName;
  const violations: string[] = [];
  const execution = standIn.model.jobs.describeJobExecution(job.jobId, thingName);
  const status = execution.status;
  const reason = execution.statusDetails?.['DeviceFailureReason'];
  let installedCertificateId: string | undefined;
  try {
    installedCertificateId = certificateIdOf(await core.probe.certificatePem());
  } catch (error) {
    violations.push(`installed certificate unreadable: ${(error as Error).message}`);
  }
  let connects = false;
  try {
    await core.probe.connect();
    connects = true;
  } catch (error) {
    violations.push(`cannot connect: ${(error as Error).message}`);
  }
  const attached = attachedCertificates(standIn, thingName);
  const mine = (text: string): boolean => text.includes(`for ${thingName} `) || text.includes(`for ${thingName}:`);
  const notifications = standIn.model.sns
    .messages()
    .slice(job.notificationsBefore)
    .map((m) => m.message)
    .filter(mine);
  const progress = shadowProgress(standIn, thingName);
  const facts: CaseFacts = {
    thingName,
    jobId: job.jobId,
    status,
    ...(typeof reason === 'string' ? { reason } : {}),
    oldCertificateId: job.oldCertificateId,
    ...(installedCertificateId === undefined ? {} : { installedCertificateId }),
    attached,
    notifications,
    ...(progress === undefined ? {} : { shadowProgress: progress }),
  };

  const installed = attached.find((a) => a.certificateId === installedCertificateId);
  const bricked = !connects || installed === undefined || installed.status !== 'ACTIVE';
  if (installed === undefined) violations.push('the installed certificate is not attached to the thing');
  else if (installed.status !== 'ACTIVE') violations.push(`the installed certificate is ${installed.status}`);

  const unsettled =
    (status === 'FAILED' || status === 'TIMED_OUT') &&
    progress === 'unsettled' &&
    attached.length === 2 &&
    notifications.some((n) => announcesNextRotation(n, thingName, 'unsettled'));
  // Without its event the terminal function never ran: the record and the pair it names stay for
  // the next rotation to settle, and nobody was notified (the README's second named case).
  const eventLost =
    job.terminalEventLost === true &&
    (progress === 'created' || progress === 'committed') &&
    attached.length === 2 &&
    notifications.length === 0;
  let registryInconsistent = false;
  if (!unsettled && !eventLost) {
    if (attached.length !== 1) {
      registryInconsistent = true;
      violations.push(`the thing holds ${attached.length} certificates`);
    }
    if (progress !== undefined && (status === 'SUCCEEDED' || status === 'FAILED' || status === 'TIMED_OUT')) {
      registryInconsistent = true;
      violations.push(`the rotation shadow is still there (${progress}) after ${status}`);
    }
  }

  const keptNew = notifications.some((n) => n.includes('but the device kept the new certificate'));
  if ((status === 'FAILED' || status === 'TIMED_OUT') && notifications.length === 0 && !eventLost)
    violations.push(`${status} without a notification`);
  if (
    (status === 'FAILED' || status === 'TIMED_OUT') &&
    !unsettled &&
    !eventLost &&
    !keptNew &&
    installedCertificateId !== job.oldCertificateId
  ) {
    violations.push(`${status} but the core is not on its old certificate`);
  }
  if (status !== 'SUCCEEDED' && status !== 'FAILED' && status !== 'TIMED_OUT') violations.push(`the execution ended ${status}`);

  const orphanCertificates = job.createdCertificates.filter((id) => {
    const record = standIn.model.registry.certificates.find(id);
    return record !== undefined && !standIn.model.registry.listThingPrincipals(thingName).includes(record.certificateArn);
  });
  if (orphanCertificates.length > 0) violations.push(`orphan certificates: ${orphanCertificates.join(', ')}`);

  const outcome: Outcome =
    violations.length > 0
      ? 'violated'
      : eventLost
        ? 'eventLost'
        : status === 'SUCCEEDED'
          ? 'succeeded'
          : unsettled
            ? 'unsettled'
            : keptNew
              ? 'keptNew'
              : status === 'TIMED_OUT'
                ? 'timedOut'
                : 'rolledBack';
  return { outcome, bricked, registryInconsistent, orphanCertificates, violations, facts };
}
