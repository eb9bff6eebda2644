/**
 * Names and strings that devices and the original backend also use. Changing any of them breaks
 * wire compatibility with fleets running the original component.
 */

/** The job document of every rotation job, byte for byte. */
export const JOB_DOCUMENT = '{"operation":"ROTATE_CERTIFICATE"}';

/** Prefix of every backend resource name, and the stack name of the CDK app. */
export const DEFAULT_NAME_PREFIX = 'AWSLabsCertificateRotator';

/** Display name of the notification topic, and the subject of every notification. */
export const NOTIFICATION_DISPLAY_NAME = 'AWS Labs Certificate Rotator Notification';

/** IoT SQL version of the three topic rules. */
export const RULE_SQL_VERSION = '2016-03-23';

/**
 * Rule SQL, verbatim from the original. The named projections come after `*`, so a device cannot
 * override the thing name, topic, client id or principal with payload fields.
 */
export const RULE_SQL = {
  createCertificate:
    "SELECT *, topic(3) AS thingName, topic() as topic, clientid() AS clientId, principal() AS principal FROM 'awslabs/things/+/certificate/create'",
  commitCertificate:
    "SELECT *, topic(3) AS thingName, topic() as topic, clientid() AS clientId, principal() AS principal FROM 'awslabs/things/+/certificate/commit'",
  jobExecutionTerminal:
    "SELECT * FROM '$aws/events/jobExecution/#' WHERE isUndefined(statusDetails.CertificateRotator) = false",
} as const;

/** Reply topics (IAM resource names, `*` for the thing name) each function may publish on. */
export const REPLY_TOPICS = {
  createCertificate: [
    'awslabs/things/*/certificate/create/accepted',
    'awslabs/things/*/certificate/create/rejected',
  ],
  commitCertificate: [
    'awslabs/things/*/certificate/commit/accepted',
    'awslabs/things/*/certificate/commit/rejected',
  ],
} as const;

/** Signing algorithms AWS Private CA accepts for IssueCertificate. */
export const PCA_SIGNING_ALGORITHMS = [
  'SHA256WITHECDSA',
  'SHA384WITHECDSA',
  'SHA512WITHECDSA',
  'SHA256WITHRSA',
  'SHA384WITHRSA',
  'SHA512WITHRSA',
] as const;
export type PcaSigningAlgorithm = (typeof PCA_SIGNING_ALGORITHMS)[number];
