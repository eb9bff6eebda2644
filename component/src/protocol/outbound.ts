/**
 * Payloads the device publishes. Key order and the absence of whitespace are fixed so that the
 * bytes on the wire are the same on every run (the backend parses JSON, so the original's
 * spacing is not significant, but tests and logs compare these strings exactly).
 */

/** The job document the rotation job template carries, byte for byte. */
export const JOB_DOCUMENT = '{"operation":"ROTATE_CERTIFICATE"}';
/** The job document's `operation` value that marks a certificate rotation job. */
export const ROTATE_CERTIFICATE_OPERATION = 'ROTATE_CERTIFICATE';

/** Body of `jobs/$next/get`. */
export function nextJobGetPayload(): string {
  return '{}';
}

/**
 * Body of the IN_PROGRESS job update. `statusDetails.CertificateRotator` is what the backend's
 * job-execution-terminal rule selects on.
 */
export function inProgressPayload(): string {
  return JSON.stringify({ status: 'IN_PROGRESS', statusDetails: { CertificateRotator: true } });
}

/**
 * Status details key naming the certificate the core keeps after a failure (not the original's:
 * its backend ignores it, ours retires the other certificate of a rotation it had committed).
 */
export const KEPT_CERTIFICATE_DETAIL = 'KeptCertificateId';

/** Body of the FAILED job update, with the device's reason for the operator. */
export function failedPayload(reason: string, keptCertificateId?: string): string {
  return JSON.stringify({
    status: 'FAILED',
    statusDetails: {
      CertificateRotator: true,
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
