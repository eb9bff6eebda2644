import {
  DeleteCertificateCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  UpdateCertificateCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { isNamed } from './errors.js';
import { DEFAULT_BACKOFF, isThrottlingError, type BackoffTuning } from '../runtime/retry.js';
import type { Invocation } from '../runtime/invocation.js';
import { policyNamesOf } from './thing-principals.js';

export interface RetiringCertificate {
  certificateId: string;
  certificateArn: string;
  /** Current status when known; an unknown status is treated as ACTIVE. */
  status?: string;
}

export interface RetireOptions {
  /** Detach the certificate from this thing first. */
  thingName?: string;
  /** Detach every policy (skip for a certificate that never had any). */
  detachPolicies: boolean;
}

/**
 * Detaching a thing principal propagates asynchronously, so DeleteCertificate can answer
 * DeleteConflictException for a few seconds after DetachThingPrincipal succeeded.
 */
export const DELETE_CONFLICT_DELAYS: BackoffTuning = { ...DEFAULT_BACKOFF, baseDelayMs: 500, maxDelayMs: 2_000 };

const DELETE_CONFLICT_BACKOFF = {
  ...DELETE_CONFLICT_DELAYS,
  isRetryable: (error: unknown) => isThrottlingError(error) || isNamed(error, 'DeleteConflictException'),
};

/**
 * Deactivates, detaches and deletes a certificate, in the order AWS IoT requires. A certificate
 * that is already gone counts as retired: the create function's undo and the terminal function
 * can race to remove the same one.
 */
export async function retireCertificate(
  iot: IoTClient,
  certificate: RetiringCertificate,
  options: RetireOptions,
  invocation: Invocation,
): Promise<void> {
  const { certificateId, certificateArn } = certificate;
  const log = invocation.logger;
  if (certificate.status === undefined || certificate.status === 'ACTIVE') {
    try {
      await invocation.call('UpdateCertificate', () => iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' })));
      log.info('Certificate deactivated', { certificateId });
    } catch (error) {
      if (isNamed(error, 'ResourceNotFoundException')) {
        log.info('Certificate already deleted', { certificateId });
        return;
      }
      // Of a status not known beforehand: REVOKED or PENDING_TRANSFER, which cannot be set INACTIVE
      // and are not ACTIVE either; the original went on to detach and delete such a certificate.
      if (certificate.status !== undefined || !isNamed(error, 'CertificateStateException')) throw error;
      log.info('Certificate is not active and cannot be deactivated', { certificateId });
    }
  }
  if (options.thingName !== undefined) {
    const thingName = options.thingName;
    await invocation.call('DetachThingPrincipal', () =>
      iot.send(new DetachThingPrincipalCommand({ thingName, principal: certificateArn })),
    );
    log.info('Certificate detached from thing', { certificateId, thingName });
  }
  if (options.detachPolicies) {
    for (const policyName of await policyNamesOf(iot, certificateArn, invocation)) {
      await invocation.call('DetachPolicy', () => iot.send(new DetachPolicyCommand({ policyName, target: certificateArn })));
      log.info('Policy detached from certificate', { certificateId, policyName });
    }
  }
  try {
    await invocation.call('DeleteCertificate', () => iot.send(new DeleteCertificateCommand({ certificateId })), DELETE_CONFLICT_BACKOFF);
  } catch (error) {
    if (!isNamed(error, 'ResourceNotFoundException')) throw error;
  }
  log.info('Certificate deleted', { certificateId });
}
