import type { Direction } from '../aws/index.js';
import type { BrokerMessage } from '../aws/index.js';
import type { FaultCore } from './fault-cores.js';
import { runCase, type CaseEnv, type FaultCase } from './case-runner.js';
import { normalizeTopic, pointId, variantOf, type MessagePoint, type ProtocolPoint } from './protocol-points.js';

/** A rotation as it ran: every message of the core's thing and job, restart and durable store change, in order. */
export interface ProtocolTrace {
  scenario: FaultCase['scenario'];
  points: ProtocolPoint[];
}

function directionOf(message: BrokerMessage): Direction {
  if (message.origin) return 'inbound';
  return message.topic.startsWith('$aws/events/') ? 'service' : 'outbound';
}

/**
 * Runs one rotation without a fault (or, for `rollback`, with the commit request lost) on a core
 * and records what passes, so that the matrix is generated from the protocol as it runs rather
 * than written by hand. Each message is named by its direction, its topic with the thing and job
 * left out, and what tells it from others on that topic; AWS IoT's answers are tied to the device
 * message they follow, so that a fault lands on the right one of two alike (the two job update
 * replies, say).
 */
export async function recordTrace(env: CaseEnv, core: FaultCore, scenario: FaultCase['scenario']): Promise<ProtocolTrace> {
  const events: ProtocolPoint[] = [];
  const add = (point: ProtocolPoint): void => void events.push(point);
  let jobId: string | undefined;
  let lastInbound: MessagePoint['after'];
  const thing = core.thingName;
  const stop = env.standIn.broker.onMessage((message) => {
    const about = message.topic.split('/').includes(thing) || (jobId !== undefined && message.topic.includes(`/${jobId}/`));
    if (!about || jobId === undefined) return;
    const direction = directionOf(message);
    const topic = normalizeTopic(message.topic, thing, jobId);
    const variant = variantOf(topic, message.payload);
    const point: MessagePoint = { kind: 'message', direction, topic, ...(variant === undefined ? {} : { variant }) };
    if (direction === 'inbound') {
      add(point);
      lastInbound = { topic, ...(variant === undefined ? {} : { variant }) };
    } else {
      add({ ...point, ...(lastInbound === undefined ? {} : { after: lastInbound }) });
    }
  });
  const previous = core.onChange;
  core.onChange = (change) => add(change);
  let restarted = false;
  core.running.onRestart(() => {
    if (!restarted && jobId !== undefined) add({ kind: 'restart' });
    restarted = true;
  });
  try {
    // A fault at a point no run passes through changes nothing: this is a clean run.
    const result = await runCase(
      env,
      core,
      { point: { kind: 'message', direction: 'inbound', topic: 'never/<thing>' }, kind: 'lost', scenario },
      (id) => {
        jobId = id;
      },
    );
    if (result.violations.length > 0)
      throw new Error(`the ${scenario} run behind the matrix broke an invariant: ${result.violations.join('; ')}`);
  } finally {
    stop();
    core.onChange = previous;
  }
  return { scenario, points: distinctPoints(events) };
}

/**
 * One point per distinct message, restart and store change. An answer from AWS IoT keeps the
 * device message it follows only when its topic and kind occur more than once (the two job update
 * replies), so that its fault is placed after that message and hits the right one.
 */
function distinctPoints(events: readonly ProtocolPoint[]): ProtocolPoint[] {
  const plain = (point: ProtocolPoint): string => pointId(point);
  const occurrences = new Map<string, number>();
  for (const event of events) occurrences.set(plain(event), (occurrences.get(plain(event)) ?? 0) + 1);
  const points: ProtocolPoint[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const point = event.kind === 'message' && (occurrences.get(plain(event)) ?? 0) < 2 ? withoutAnchor(event) : event;
    const key = `${plain(point)}|${point.kind === 'message' ? JSON.stringify(point.after ?? null) : ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    points.push(point);
  }
  return points;
}

function withoutAnchor(point: MessagePoint): MessagePoint {
  const { after: _after, ...rest } = point;
  return rest;
}
