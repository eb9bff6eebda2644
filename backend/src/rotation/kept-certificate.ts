import type { RotationRecord } from '../aws/rotation-shadow.js';
import type { JobExecutionEvent } from '../events/job-execution-event.js';
import { KEPT_CERTIFICATE_DETAIL, ROLLBACK_FAILURE_REASONS } from '../../../shared/contract/index.js';

/**
 * Which of a rotation's two certificates the core keeps after its job ended following an accepted
 * commit, when the core said so; undefined when it did not.
 *
 * This project's component names the certificate it keeps in the FAILED update's status details.
 * Either component's commit failures with a backup ("... Rollback and restart.") restore the old
 * certificate. Nothing else is evidence: the original reports "Rollback completed ..." when it
 * finds no backup although it then runs on the new certificate, and a TIMED_OUT execution carries
 * only what the device reported while it was IN_PROGRESS.
 */
export function keptCertificate(event: JobExecutionEvent, record: RotationRecord): 'old' | 'new' | undefined {
  const details = event.statusDetails ?? {};
  const kept = details[KEPT_CERTIFICATE_DETAIL];
  if (kept === record.oldCertificateId) return 'old';
  if (kept === record.newCertificateId) return 'new';
  if (kept !== undefined) return undefined;
  const reason = details['DeviceFailureReason'];
  if (event.status === 'FAILED' && typeof reason === 'string' && (Object.values(ROLLBACK_FAILURE_REASONS) as string[]).includes(reason))
    return 'old';
  return undefined;
}
