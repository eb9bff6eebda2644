/** The job document's `operation` value that marks a certificate rotation job. */
export const ROTATE_CERTIFICATE_OPERATION = 'ROTATE_CERTIFICATE';

/** The job document the rotation job template carries, byte for byte. */
export const JOB_DOCUMENT = JSON.stringify({ operation: ROTATE_CERTIFICATE_OPERATION });

/**
 * The `statusDetails` key the device sets on every update of a rotation job; the
 * job-execution-terminal rule selects the executions that carry it.
 */
export const STATUS_DETAILS_MARKER = 'CertificateRotator';

/**
 * The `statusDetails` key in which this project's component names the certificate it keeps after
 * failing a job: the backup's when it rolls back, the installed one when it has no backup. The
 * original component does not send it; the terminal function retires the other certificate of a
 * rotation whose commit it had accepted.
 */
export const KEPT_CERTIFICATE_DETAIL = 'KeptCertificateId';
