import { z } from 'zod';

/**
 * MQTT topics of the rotation protocol, for one thing. The names and shapes are the wire
 * contract shared with the original component and both backends; do not change them.
 */

/** AWS IoT thing names: 1-128 of letters, digits, colon, underscore, hyphen. */
export const thingNameSchema = z.string().regex(/^[a-zA-Z0-9:_-]{1,128}$/, 'must be a valid AWS IoT thing name');

/** AWS IoT job ids: 1-64 of letters, digits, underscore, hyphen. */
export const jobIdSchema = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be a valid AWS IoT job id');

/** The pseudo job id of the "next pending execution" requests and their replies. */
export const NEXT_JOB_ID = '$next';

/** Device publishes use QoS 0 (AT_MOST_ONCE), as the original does. */
export const PUBLISH_QOS = 0;
/** Subscriptions use QoS 1 (AT_LEAST_ONCE), as the original does. */
export const SUBSCRIBE_QOS = 1;

export function jobsTopicBase(thingName: string): string {
  return `$aws/things/${checkedThing(thingName)}/jobs`;
}

export function certificateTopicBase(thingName: string): string {
  return `awslabs/things/${checkedThing(thingName)}/certificate`;
}

/** `$aws/things/<thing>/jobs/$next/get`, answered on `.../jobs/$next/get/accepted|rejected`. */
export function nextJobGetTopic(thingName: string): string {
  return `${jobsTopicBase(thingName)}/${NEXT_JOB_ID}/get`;
}

/** `$aws/things/<thing>/jobs/<jobId>/update`. */
export function jobUpdateTopic(thingName: string, jobId: string): string {
  const parsed = jobIdSchema.safeParse(jobId);
  if (!parsed.success) {
    throw new Error(`jobId: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(jobId)})`);
  }
  return `${jobsTopicBase(thingName)}/${jobId}/update`;
}

/** `awslabs/things/<thing>/certificate/create`, handled by the create-certificate rule. */
export function certificateCreateTopic(thingName: string): string {
  return `${certificateTopicBase(thingName)}/create`;
}

/** `awslabs/things/<thing>/certificate/commit`, handled by the commit-certificate rule. */
export function certificateCommitTopic(thingName: string): string {
  return `${certificateTopicBase(thingName)}/commit`;
}

/**
 * The four topic filters the device publishes to (the recipe's PublishToIoTCore policy and the
 * thing's IoT policy must allow them).
 */
export function publishTopicFilters(thingName: string): readonly string[] {
  const jobs = jobsTopicBase(thingName);
  return [`${jobs}/+/get`, `${jobs}/+/update`, certificateCreateTopic(thingName), certificateCommitTopic(thingName)];
}

/** The nine reply topic filters the component subscribes to before doing anything else, in the original's order. */
export function subscriptionTopics(thingName: string): readonly string[] {
  const jobs = jobsTopicBase(thingName);
  const cert = certificateTopicBase(thingName);
  return [
    `${jobs}/notify-next`,
    `${jobs}/+/get/accepted`,
    `${jobs}/+/get/rejected`,
    `${jobs}/+/update/accepted`,
    `${jobs}/+/update/rejected`,
    `${cert}/create/accepted`,
    `${cert}/create/rejected`,
    `${cert}/commit/accepted`,
    `${cert}/commit/rejected`,
  ];
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
  const jobs = `${jobsTopicBase(thingName)}/`;
  const cert = `${certificateTopicBase(thingName)}/`;
  if (topic.startsWith(jobs)) {
    const rest = topic.slice(jobs.length);
    if (rest === 'notify-next') return { kind: 'notifyNext' };
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

function checkedThing(thingName: string): string {
  const parsed = thingNameSchema.safeParse(thingName);
  if (!parsed.success) {
    throw new Error(`thingName: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(thingName)})`);
  }
  return thingName;
}
