import { notificationPrefix, notifications } from '../../backend/src/rotation/messages.js';
import { SHADOW_NAME } from '../../shared/contract/index.js';
import { certificateIdOf, type AwsStandIn } from '../aws/index.js';
import { DirectMqtt } from '../device/direct-mqtt.js';
import { readFileCredentials } from '../device/greengrass-root.js';
import type { ProvisionedCore } from './fleet.js';

export interface CoreOutcome {
  thingName: string;
  initialCertificateId: string;
  /** Certificate installed on the core now (undefined when unreadable). */
  installedCertificateId?: string;
  /** Certificates attached to the thing, with their status. */
  attached: Array<{ certificateId: string; status: string }>;
  connects: boolean;
  initialCertificateDeleted: boolean;
  /** The core cannot reach AWS IoT as its thing any more: why, in `reasons`. */
  bricked: boolean;
  reasons: string[];
  /**
   * The core works, but its thing does not hold exactly one ACTIVE certificate (a certificate left
   * behind for someone to settle): what, in `registryProblems`.
   */
  registryInconsistent: boolean;
  registryProblems: string[];
  /**
   * Both certificates left ACTIVE in a case the README names and SNS announced, for the core's next
   * rotation to settle: the job ended after the commit without the core saying which certificate it
   * kept (record `unsettled`), or the terminal function's clean-up did not complete (record kept).
   */
  awaitingNextRotation: boolean;
}

/** The rotation shadow's `progress`, `present` when it has none, undefined when there is no shadow. */
export function shadowProgress(standIn: AwsStandIn, thingName: string): string | undefined {
  try {
    const document = standIn.model.shadows.getThingShadow(thingName, SHADOW_NAME) as { state?: { reported?: { progress?: unknown } } };
    const progress = document.state?.reported?.progress;
    return typeof progress === 'string' ? progress : 'present';
  } catch {
    return undefined;
  }
}

/**
 * Whether `message` is the backend's announcement that this thing's pair of certificates, recorded
 * with `progress`, is left for the core's next rotation to settle: a rotation `unsettled` after its
 * commit, or a `created`/`committed` record kept because the terminal function's clean-up did not
 * complete.
 */
export function announcesNextRotation(message: string, thingName: string, progress: string | undefined): boolean {
  const prefix = notificationPrefix(thingName);
  if (progress === 'unsettled') {
    return (['FAILED', 'TIMED_OUT'] as const).some((status) => message === notifications.unsettledAfterCommit(prefix, status));
  }
  if (progress !== 'created' && progress !== 'committed') return false;
  // The message around its variable parts (the job's status, the problem).
  const middle = ': certificate clean-up did not complete (';
  const [head = '', tail = ''] = notifications.cleanUpIncomplete(prefix, 'STATUS', 'PROBLEM').split(`STATUS${middle}PROBLEM`);
  return message.startsWith(head) && message.includes(middle) && message.endsWith(tail);
}

/** Whether the thing's two ACTIVE certificates are a pair the backend announced for the core's next rotation. */
function awaitsNextRotation(standIn: AwsStandIn, thingName: string, activeCertificates: number): boolean {
  if (activeCertificates !== 2) return false;
  const progress = shadowProgress(standIn, thingName);
  return standIn.model.sns.messages().some((m) => announcesNextRotation(m.message, thingName, progress));
}

/** How to check a core's installed credentials; file cores read their files, HSM cores use the token. */
export interface InstalledCredentialsProbe {
  certificatePem(): Promise<string>;
  /** Resolves when a fresh mutual-TLS connection with the installed credentials is accepted. */
  connect(): Promise<void>;
}

export function fileCredentialsProbe(standIn: AwsStandIn, core: ProvisionedCore): InstalledCredentialsProbe {
  return {
    certificatePem: async () => (await readFileCredentials(core.paths)).certificatePem,
    connect: async () => {
      const credentials = await readFileCredentials(core.paths);
      const connection = await DirectMqtt.connect({
        host: standIn.mqtt.host,
        port: standIn.mqtt.port,
        caPem: standIn.mqtt.caCertificatePem,
        ...credentials,
        clientId: `${core.thingName}#99`,
      });
      await connection.close();
    },
  };
}

/**
 * Checks that a core is still reachable after a job: it connects with what it has installed, which
 * is ACTIVE and attached to its thing (else it is bricked); and that the thing has no other ACTIVE
 * certificate (else the registry is inconsistent). Run it with the core stopped (it connects with
 * its own credentials).
 */
export async function verifyCore(standIn: AwsStandIn, core: ProvisionedCore, probe: InstalledCredentialsProbe): Promise<CoreOutcome> {
  const reasons: string[] = [];
  const registry = standIn.model.registry;
  let installedCertificateId: string | undefined;
  try {
    installedCertificateId = certificateIdOf(await probe.certificatePem());
  } catch (error) {
    reasons.push(`installed certificate unreadable: ${(error as Error).message}`);
  }
  let connects = false;
  try {
    await probe.connect();
    connects = true;
  } catch (error) {
    reasons.push(`cannot connect: ${(error as Error).message}`);
  }
  const attached = registry.listThingPrincipals(core.thingName).flatMap((arn) => {
    const certificateId = arn.slice(arn.lastIndexOf('/') + 1);
    const record = standIn.model.registry.certificates.find(certificateId);
    return record ? [{ certificateId, status: record.status }] : [];
  });
  const active = attached.filter((a) => a.status === 'ACTIVE');
  const registryProblems: string[] = [];
  if (installedCertificateId !== undefined && !active.some((a) => a.certificateId === installedCertificateId))
    reasons.push('the installed certificate is not ACTIVE and attached to the thing');
  const awaitingNextRotation = awaitsNextRotation(standIn, core.thingName, active.length);
  if (active.length !== 1 && !awaitingNextRotation) registryProblems.push(`thing has ${active.length} ACTIVE certificates attached`);
  const initialCertificateDeleted = registry.certificates.find(core.initialCertificateId) === undefined;
  return {
    thingName: core.thingName,
    initialCertificateId: core.initialCertificateId,
    ...(installedCertificateId ? { installedCertificateId } : {}),
    attached,
    connects,
    initialCertificateDeleted,
    bricked: reasons.length > 0,
    reasons,
    registryInconsistent: registryProblems.length > 0,
    registryProblems,
    awaitingNextRotation,
  };
}
