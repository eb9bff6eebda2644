import type { HandlerClients } from '../aws/clients.js';
import { publishReply } from '../aws/replies.js';
import { replyTopic, type RequestKind } from '../../../shared/contract/index.js';
import type { InvocationStart } from './handler-settings.js';

/**
 * How many invalid requests of one thing get an answer: a few a second. A thing flooding its own
 * topic with junk then costs one log line per message instead of an AWS call each, so it cannot
 * spend the account's quotas (and, locally, the stand-in's time) that other rotations need.
 */
export class InvalidReplyBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond = 5,
    private readonly now: () => number = Date.now,
  ) {}

  take(thingName: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(thingName) ?? { tokens: this.perSecond, at: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (this.buckets.size > 10_000) this.buckets.clear();
    this.buckets.set(thingName, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

/**
 * Logs a device request that failed validation and, when it names a valid thing, tells the device
 * why on the request's rejected topic; without a thing name there is nobody to tell.
 */
export async function rejectInvalidRequest(
  kind: RequestKind,
  rejection: { problem: string; thingName?: string },
  clients: HandlerClients,
  start: InvocationStart,
  budget: InvalidReplyBudget,
): Promise<void> {
  const { problem, thingName } = rejection;
  const invocation = start.invocation(thingName === undefined ? {} : { thingName });
  if (thingName === undefined) {
    invocation.logger.warn(`Dropped an invalid ${kind} request`, { problem });
    return;
  }
  if (!budget.take(thingName)) {
    invocation.logger.warn(`Dropped an invalid ${kind} request unanswered: this thing sends too many`, { problem });
    return;
  }
  invocation.logger.warn(`Rejected an invalid ${kind} request`, { problem });
  await publishReply(await clients.iotData(invocation), replyTopic(kind, thingName, 'rejected'), { errorMsg: problem }, invocation);
}
