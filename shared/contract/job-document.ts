/** The job document's `operation` value that marks a certificate rotation job. */
export const ROTATE_CERTIFICATE_OPERATION = 'ROTATE_CERTIFICATE';

/** The job document the rotation job template carries, byte for byte. */
export const JOB_DOCUMENT = JSON.stringify({ operation: ROTATE_CERTIFICATE_OPERATION });

/**
 * The `statusDetails` key the device sets on every update of a rotation job; the
 * job-execution-terminal rule selects the executions that carry it.
 */
export const STATUS_DETAILS_MARKER = 'CertificateRotator';
