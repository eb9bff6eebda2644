import { KEPT_CERTIFICATE_DETAIL, STATUS_DETAILS_MARKER } from './job-document.js';

/**
 * Payloads the device publishes. Key order and the absence of whitespace are fixed so that the
 * bytes on the wire are the same on every run (the backend parses JSON, so the original's
 * spacing is not significant, but tests and logs compare these strings exactly).
 */

/** Body of `jobs/$next/get`. */
export function nextJobGetPayload(): string {
  return '{}';
}

/**
 * Body of the IN_PROGRESS job update. `statusDetails.CertificateRotator` is what the backend's
 * job-execution-terminal rule selects on.
 */
export function inProgressPayload(): string {
  return JSON.stringify({ status: 'IN_PROGRESS', statusDetails: { [STATUS_DETAILS_MARKER]: true } });
}

/** Body of the FAILED job update, with the device's reason for the operator. */
export function failedPayload(reason: string, keptCertificateId?: string): string {
  return JSON.stringify({
    status: 'FAILED',
    statusDetails: {
      [STATUS_DETAILS_MARKER]: true,
      DeviceFailureReason: reason,
      ...(keptCertificateId === undefined ? {} : { [KEPT_CERTIFICATE_DETAIL]: keptCertificateId }),
    },
  });
}

/** Body of the SUCCEEDED job update; without statusDetails AWS IoT keeps the earlier ones. */
export function succeededPayload(): string {
  return JSON.stringify({ status: 'SUCCEEDED' });
}

/** Body of `certificate/create`. */
export function createCertificatePayload(jobId: string, csr: string): string {
  return JSON.stringify({ jobId, csr });
}

/** Body of `certificate/commit`. */
export function commitCertificatePayload(jobId: string): string {
  return JSON.stringify({ jobId });
}

/**
 * The device failure reasons after which both components, the original and this one, restore the
 * backed-up (old) certificate: a commit that was rejected, or got no answer, while a backup existed.
 */
export const ROLLBACK_FAILURE_REASONS = {
  commitRejected: 'Commit was rejected. Rollback and restart.',
  commitTimeout: 'Comms failure when committing new certificate. Rollback and restart.',
} as const;
