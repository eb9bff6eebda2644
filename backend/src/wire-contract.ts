import type { SigningAlgorithm } from '@aws-sdk/client-acm-pca';

/**
 * Names and strings that devices and the original backend also use. Changing any of them breaks
 * wire compatibility with fleets running the original component. The CDK construct takes them from
 * here too, so what it deploys and what the functions expect cannot drift apart.
 */

/** The job document of every rotation job, byte for byte. */
export const JOB_DOCUMENT = '{"operation":"ROTATE_CERTIFICATE"}';

/** Prefix of every backend resource name, the stack name of the CDK app and the default shadow name. */
export const DEFAULT_NAME_PREFIX = 'AWSLabsCertificateRotator';

/** The named shadow that records rotation progress, as the original backend names it. */
export const SHADOW_NAME = DEFAULT_NAME_PREFIX;

/** Display name of the notification topic, and the subject of every notification. */
export const NOTIFICATION_SUBJECT = 'AWS Labs Certificate Rotator Notification';

/**
 * Key of the job execution status details in which this project's component names the
 * certificate it keeps after failing a job: the backup's when it rolls back, the installed one
 * when it has no backup. The original component does not send it.
 */
export const KEPT_CERTIFICATE_DETAIL = 'KeptCertificateId';

/**
 * The device failure reasons after which both components roll back to the backed-up (old)
 * certificate: a commit that was rejected or got no answer while a backup existed.
 */
export const ROLLBACK_FAILURE_REASONS: readonly string[] = [
  'Commit was rejected. Rollback and restart.',
  'Comms failure when committing new certificate. Rollback and restart.',
];

/** What a device asks for: a new certificate, or to keep the one it now connects with. */
export type RequestKind = 'create' | 'commit';
export type ReplyKind = 'accepted' | 'rejected';

/** The topic a device publishes a request on. `thingName` may be `*` or `+` to name every thing. */
export function requestTopic(kind: RequestKind, thingName: string): string {
  return `awslabs/things/${thingName}/certificate/${kind}`;
}

/** The topic the backend answers a request on, one level below the request topic. */
export function replyTopic(kind: RequestKind, thingName: string, reply: ReplyKind): string {
  return `${requestTopic(kind, thingName)}/${reply}`;
}

/** Signing algorithms AWS Private CA accepts for IssueCertificate. */
export const PCA_SIGNING_ALGORITHMS = [
  'SHA256WITHECDSA',
  'SHA384WITHECDSA',
  'SHA512WITHECDSA',
  'SHA256WITHRSA',
  'SHA384WITHRSA',
  'SHA512WITHRSA',
] as const satisfies readonly SigningAlgorithm[];
export type PcaSigningAlgorithm = (typeof PCA_SIGNING_ALGORITHMS)[number];
