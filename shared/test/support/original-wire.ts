/**
 * The original's wire contract, copied by hand from its documented behaviour (names, MQTT topics
 * and payloads, rule SQL) and pinned here. Nothing imports these strings but the test that holds
 * the contract to them: edit them only when the original itself changes.
 *
 * `<thing>`, `<jobId>`, `<reason>`, `<PEM CSR>`, `<PEM>` and `<message>` stand for the values of one message.
 */

export const ORIGINAL_NAMES = {
  component: 'aws.greengrass.labs.CertificateRotator',
  stack: 'AWSLabsCertificateRotator',
  jobTemplate: 'AWSLabsCertificateRotator',
  jobDocument: '{"operation":"ROTATE_CERTIFICATE"}',
  shadow: 'AWSLabsCertificateRotator',
  snsTopic: 'AWSLabsCertificateRotatorNotification',
  snsDisplayNameAndSubject: 'AWS Labs Certificate Rotator Notification',
  functions: [
    'AWSLabsCertificateRotatorCreateCertificate',
    'AWSLabsCertificateRotatorCommitCertificate',
    'AWSLabsCertificateRotatorJobExecutionTerminal',
  ],
  rules: [
    'AWSLabsCertificateRotatorCreateCertificate',
    'AWSLabsCertificateRotatorCommitCertificate',
    'AWSLabsCertificateRotatorJobExecutionTerminal',
  ],
  customResourceFunction: 'AWSLabsCertificateRotatorCustomResourceJobExecutionEvents',
} as const;

export const ORIGINAL_QOS = { devicePublish: 0, deviceSubscribe: 1 } as const;

export const ORIGINAL_DEVICE_PUBLISHES = {
  nextJobGet: { topic: '$aws/things/<thing>/jobs/$next/get', payload: '{}' },
  inProgress: {
    topic: '$aws/things/<thing>/jobs/<jobId>/update',
    payload: '{"status":"IN_PROGRESS","statusDetails":{"CertificateRotator":true}}',
  },
  failed: {
    topic: '$aws/things/<thing>/jobs/<jobId>/update',
    payload: '{"status":"FAILED","statusDetails":{"CertificateRotator":true,"DeviceFailureReason":"<reason>"}}',
  },
  succeeded: { topic: '$aws/things/<thing>/jobs/<jobId>/update', payload: '{"status":"SUCCEEDED"}' },
  create: { topic: 'awslabs/things/<thing>/certificate/create', payload: '{"jobId":"<jobId>","csr":"<PEM CSR>"}' },
  commit: { topic: 'awslabs/things/<thing>/certificate/commit', payload: '{"jobId":"<jobId>"}' },
} as const;

/** In the order the original subscribes. */
export const ORIGINAL_DEVICE_SUBSCRIPTIONS = [
  '$aws/things/<thing>/jobs/notify-next',
  '$aws/things/<thing>/jobs/+/get/accepted',
  '$aws/things/<thing>/jobs/+/get/rejected',
  '$aws/things/<thing>/jobs/+/update/accepted',
  '$aws/things/<thing>/jobs/+/update/rejected',
  'awslabs/things/<thing>/certificate/create/accepted',
  'awslabs/things/<thing>/certificate/create/rejected',
  'awslabs/things/<thing>/certificate/commit/accepted',
  'awslabs/things/<thing>/certificate/commit/rejected',
] as const;

export const ORIGINAL_BACKEND_REPLIES = {
  createAccepted: { topic: 'awslabs/things/<thing>/certificate/create/accepted', payload: '{"certificatePem":"<PEM>"}' },
  createRejected: { topic: 'awslabs/things/<thing>/certificate/create/rejected', payload: '{"errorMsg":"<message>"}' },
  commitAccepted: { topic: 'awslabs/things/<thing>/certificate/commit/accepted', payload: '{}' },
  commitRejected: { topic: 'awslabs/things/<thing>/certificate/commit/rejected', payload: '{"errorMsg":"Pre-conditions not met"}' },
} as const;

export const ORIGINAL_RULE_SQL_VERSION = '2016-03-23';

export const ORIGINAL_RULE_SQL = {
  createCertificate:
    "SELECT *, topic(3) AS thingName, topic() as topic, clientid() AS clientId, principal() AS principal FROM 'awslabs/things/+/certificate/create'",
  commitCertificate:
    "SELECT *, topic(3) AS thingName, topic() as topic, clientid() AS clientId, principal() AS principal FROM 'awslabs/things/+/certificate/commit'",
  jobExecutionTerminal: "SELECT * FROM '$aws/events/jobExecution/#' WHERE isUndefined(statusDetails.CertificateRotator) = false",
} as const;

/** What the create and commit rules hand their functions. */
export const ORIGINAL_RULE_EVENT_FIELDS = {
  createCertificate: ['jobId', 'csr', 'thingName', 'topic', 'clientId', 'principal'],
  commitCertificate: ['jobId', 'thingName', 'topic', 'clientId', 'principal'],
} as const;

/** Puts the values of one message in place of the placeholders. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/<([^<>]+)>/g, (whole, name: string) => values[name] ?? whole);
}
