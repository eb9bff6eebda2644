import { replyTopic, type RequestKind } from '../src/wire-contract.js';

/**
 * The wire contract as the CDK construct needs it: the strings the functions share with devices
 * (defined once, on the Lambda side) plus what only the deployed rules and policies use.
 */
export {
  DEFAULT_NAME_PREFIX,
  JOB_DOCUMENT,
  NOTIFICATION_SUBJECT as NOTIFICATION_DISPLAY_NAME,
  PCA_SIGNING_ALGORITHMS,
  type PcaSigningAlgorithm,
} from '../src/wire-contract.js';

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

const replyTopicsOf = (kind: RequestKind): readonly string[] => [replyTopic(kind, '*', 'accepted'), replyTopic(kind, '*', 'rejected')];

/** Reply topics (IAM resource names, `*` for the thing name) each function may publish on. */
export const REPLY_TOPICS = {
  createCertificate: replyTopicsOf('create'),
  commitCertificate: replyTopicsOf('commit'),
} as const;
