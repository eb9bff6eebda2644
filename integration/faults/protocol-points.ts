import type { Direction } from '../aws/index.js';

/** A message of the rotation as the broker sees it, with the thing and job written as `<thing>`, `<job>`. */
export interface MessagePoint {
  kind: 'message';
  /** inbound: device to AWS IoT; outbound: AWS IoT to the device; service: AWS IoT to its rules. */
  direction: Direction;
  /** Topic with `<thing>` and `<job>` in place of the names. */
  topic: string;
  /** What tells this message from others on the same topic (a job update's status, notify-next's job). */
  variant?: string;
  /** The device message this one answers or follows: the fault is armed once that one has passed. */
  after?: { topic: string; variant?: string };
}

/** The component asking Greengrass to restart. */
export interface RestartPoint {
  kind: 'restart';
}

/** One durable change a credential store makes: a file written or removed, a token object changed. */
export interface StorePoint {
  kind: 'store';
  /** The store operation it belongs to: createCsr, rotate, rollback, deleteBackup. */
  operation: string;
  /** Its place among that operation's changes, from 0. */
  index: number;
  /** What it changes, as the store names it, e.g. `write certificate.bak`. */
  change: string;
}

export type ProtocolPoint = MessagePoint | RestartPoint | StorePoint;

/** A stable, readable id, e.g. `in $aws/things/<thing>/jobs/<job>/update [SUCCEEDED]`. */
export function pointId(point: ProtocolPoint): string {
  switch (point.kind) {
    case 'message': {
      const arrow = point.direction === 'inbound' ? 'device → AWS' : point.direction === 'outbound' ? 'AWS → device' : 'AWS → rules';
      const after =
        point.after === undefined
          ? ''
          : ` (after ${point.after.topic.split('/').at(-1) ?? ''}${point.after.variant === undefined ? '' : ` [${point.after.variant}]`})`;
      return `${arrow} ${point.topic}${point.variant === undefined ? '' : ` [${point.variant}]`}${after}`;
    }
    case 'restart':
      return 'restart of Greengrass';
    case 'store':
      return `store ${point.operation} #${point.index}: ${point.change}`;
  }
}

/** Replaces the thing and job names in a topic with placeholders. */
export function normalizeTopic(topic: string, thingName: string, jobId: string): string {
  return topic
    .split('/')
    .map((part) => (part === thingName ? '<thing>' : part === jobId ? '<job>' : part))
    .join('/');
}

/** The concrete topic of a point for a thing and job. */
export function concreteTopic(topic: string, thingName: string, jobId: string): string {
  return topic
    .split('/')
    .map((part) => (part === '<thing>' ? thingName : part === '<job>' ? jobId : part))
    .join('/');
}

/**
 * What distinguishes messages that share a topic: the status of a job update, whether notify-next
 * announces a job. Derived from the payload, so a faulty run recognises the same message.
 */
export function variantOf(normalizedTopic: string, payload: Buffer): string | undefined {
  if (normalizedTopic.endsWith('/jobs/<job>/update')) {
    return statusOf(payload) ?? 'no status';
  }
  if (normalizedTopic.endsWith('/jobs/notify-next')) {
    return hasExecution(payload) ? 'job' : 'none left';
  }
  return undefined;
}

function parse(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function statusOf(payload: Buffer): string | undefined {
  const body = parse(payload);
  return typeof body === 'object' && body !== null && 'status' in body && typeof body.status === 'string' ? body.status : undefined;
}

function hasExecution(payload: Buffer): boolean {
  const body = parse(payload);
  return typeof body === 'object' && body !== null && 'execution' in body;
}
