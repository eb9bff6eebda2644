/** The wire values shared by the backend and devices (byte-exact). */
export const JOB_DOCUMENT = '{"operation":"ROTATE_CERTIFICATE"}';
export const SHADOW_NAME = 'AWSLabsCertificateRotator';
