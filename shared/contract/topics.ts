import { checkedJobId, checkedThingName, jobIdSchema, NEXT_JOB_ID } from './identifiers.js';

/**
 * MQTT topics of the rotation protocol. The names and shapes are the wire contract shared with
 * the original component and both backends; do not change them.
 *
 * Functions taking `thing` build topics and filters for any thing segment: a thing name, `+` for an
 * MQTT filter, `*` for an IAM resource or `{iot:thingName}` for a recipe; they do not check it. The
 * device-side builders (`nextJobGetTopic`, `certificateCreateTopic`, ...) check the thing name and
 * job id, so that a bad one cannot change the topic's structure.
 */

/** Device publishes use QoS 0 (AT_MOST_ONCE), as the original does. */
export const PUBLISH_QOS = 0;
/** Subscriptions use QoS 1 (AT_LEAST_ONCE), as the original does. */
export const SUBSCRIBE_QOS = 1;

/** The two requests a device sends the backend: a new certificate, or to keep the one it now connects with. */
export type RequestKind = 'create' | 'commit';
/** How the backend answers a request. */
export type ReplyOutcome = 'accepted' | 'rejected';

/** `$aws/things/<thing>/jobs`, the AWS IoT Jobs MQTT API of a thing. */
export function jobsTopicPrefix(thing: string): string {
  return `$aws/things/${thing}/jobs`;
}

/** `awslabs/things/<thing>/certificate`, below which the device and the backend talk. */
export function certificateTopicPrefix(thing: string): string {
  return `awslabs/things/${thing}/certificate`;
}

/** `awslabs/things/<thing>/certificate/<kind>`, the topic the create or commit rule listens on. */
export function requestTopic(kind: RequestKind, thing: string): string {
  return `${certificateTopicPrefix(thing)}/${kind}`;
}

/** The topic the backend answers a request on, one level below the request topic. */
export function replyTopic(kind: RequestKind, thing: string, outcome: ReplyOutcome): string {
  return `${requestTopic(kind, thing)}/${outcome}`;
}

/** `$aws/things/<thing>/jobs/notify-next`, where AWS IoT announces the next pending execution. */
export function notifyNextTopic(thing: string): string {
  return `${jobsTopicPrefix(thing)}/notify-next`;
}

/** Where AWS IoT publishes a job execution's JOB_EXECUTION event; `operation` is the lower-case status. */
export function jobExecutionEventTopic(jobId: string, operation: string): string {
  return `$aws/events/jobExecution/${jobId}/${operation}`;
}

/** Every JOB_EXECUTION event, as the job-execution-terminal rule listens to them. */
export const JOB_EXECUTION_EVENTS_FILTER = '$aws/events/jobExecution/#';

/** The four topic filters the device publishes to, for any thing segment. */
export function publishTopicPatterns(thing: string): readonly string[] {
  const jobs = jobsTopicPrefix(thing);
  return [`${jobs}/+/get`, `${jobs}/+/update`, requestTopic('create', thing), requestTopic('commit', thing)];
}

/** The nine reply topic filters the component subscribes to, in the original's order, for any thing segment. */
export function subscriptionTopicPatterns(thing: string): readonly string[] {
  const jobs = jobsTopicPrefix(thing);
  return [
    notifyNextTopic(thing),
    `${jobs}/+/get/accepted`,
    `${jobs}/+/get/rejected`,
    `${jobs}/+/update/accepted`,
    `${jobs}/+/update/rejected`,
    replyTopic('create', thing, 'accepted'),
    replyTopic('create', thing, 'rejected'),
    replyTopic('commit', thing, 'accepted'),
    replyTopic('commit', thing, 'rejected'),
  ];
}

/** `$aws/things/<thing>/jobs/$next/get`, answered on `.../jobs/$next/get/accepted|rejected`. */
export function nextJobGetTopic(thingName: string): string {
  return `${jobsTopicPrefix(checkedThingName(thingName))}/${NEXT_JOB_ID}/get`;
}

/** `$aws/things/<thing>/jobs/<jobId>/update`. */
export function jobUpdateTopic(thingName: string, jobId: string): string {
  checkedJobId(jobId);
  return `${jobsTopicPrefix(checkedThingName(thingName))}/${jobId}/update`;
}

/** `awslabs/things/<thing>/certificate/create`, handled by the create-certificate rule. */
export function certificateCreateTopic(thingName: string): string {
  return requestTopic('create', checkedThingName(thingName));
}

/** `awslabs/things/<thing>/certificate/commit`, handled by the commit-certificate rule. */
export function certificateCommitTopic(thingName: string): string {
  return requestTopic('commit', checkedThingName(thingName));
}

/**
 * The four topic filters the device publishes to (the recipe's PublishToIoTCore policy and the
 * thing's IoT policy must allow them).
 */
export function publishTopicFilters(thingName: string): readonly string[] {
  return publishTopicPatterns(checkedThingName(thingName));
}

/** The nine reply topic filters the component subscribes to before doing anything else, in the original's order. */
export function subscriptionTopics(thingName: string): readonly string[] {
  return subscriptionTopicPatterns(checkedThingName(thingName));
}

/** Which reply a topic carries. Kinds double as the state machine's message event types. */
export type ReplyKind =
  | 'notifyNext'
  | 'getAccepted'
  | 'getRejected'
  | 'updateAccepted'
  | 'updateRejected'
  | 'createAccepted'
  | 'createRejected'
  | 'commitAccepted'
  | 'commitRejected';

export type ParsedTopic =
  | { kind: 'notifyNext' }
  | { kind: 'getAccepted' | 'getRejected' | 'updateAccepted' | 'updateRejected'; jobId: string }
  | { kind: 'createAccepted' | 'createRejected' | 'commitAccepted' | 'commitRejected' };

const JOB_REPLIES: Record<string, 'getAccepted' | 'getRejected' | 'updateAccepted' | 'updateRejected'> = {
  'get/accepted': 'getAccepted',
  'get/rejected': 'getRejected',
  'update/accepted': 'updateAccepted',
  'update/rejected': 'updateRejected',
};

const CERTIFICATE_REPLIES: Record<string, 'createAccepted' | 'createRejected' | 'commitAccepted' | 'commitRejected'> = {
  'create/accepted': 'createAccepted',
  'create/rejected': 'createRejected',
  'commit/accepted': 'commitAccepted',
  'commit/rejected': 'commitRejected',
};

/**
 * Classifies a received topic for `thingName`. Returns undefined for topics that are not one of
 * the nine replies for this thing. The job id of a jobs reply comes from the topic; it is
 * `$next` for replies to `$next/get`.
 */
export function parseReplyTopic(thingName: string, topic: string): ParsedTopic | undefined {
  const jobs = `${jobsTopicPrefix(checkedThingName(thingName))}/`;
  const cert = `${certificateTopicPrefix(thingName)}/`;
  if (topic === notifyNextTopic(thingName)) return { kind: 'notifyNext' };
  if (topic.startsWith(jobs)) {
    const rest = topic.slice(jobs.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) return undefined;
    const jobId = rest.slice(0, slash);
    const kind = Object.hasOwn(JOB_REPLIES, rest.slice(slash + 1)) ? JOB_REPLIES[rest.slice(slash + 1)] : undefined;
    if (kind === undefined) return undefined;
    if (jobId !== NEXT_JOB_ID && !jobIdSchema.safeParse(jobId).success) return undefined;
    return { kind, jobId };
  }
  if (topic.startsWith(cert)) {
    const rest = topic.slice(cert.length);
    const kind = Object.hasOwn(CERTIFICATE_REPLIES, rest) ? CERTIFICATE_REPLIES[rest] : undefined;
    return kind === undefined ? undefined : { kind };
  }
  return undefined;
}
