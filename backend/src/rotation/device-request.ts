import type * as z from 'zod/mini';
import { describeError } from '../aws/errors.js';
import { rejectionReason } from '../metrics/rotation-metrics.js';
import { publishReply } from '../aws/replies.js';
import { parseRequest } from '../events/device-requests.js';
import type { Invocation } from '../runtime/invocation.js';
import type { ThingPrincipal } from '../aws/thing-principals.js';
import { atMost, type InvocationContext } from '../runtime/time-budget.js';
import { replyTopic, type RequestKind } from '../../../shared/contract/index.js';
import type { HandlerBase, InvocationStart } from './handler-settings.js';
import { InvalidReplyBudget, rejectInvalidRequest } from './invalid-request.js';
import { AttachmentCache, checkSender, claimedSender } from './requester-identity.js';
import { recordSecurityEvent } from './security-events.js';

export type RotationHandler = (event: unknown, context?: InvocationContext) => Promise<void>;

/**
 * What the device is told: the accepted reply's body, or the rejection's message. `reason` is the
 * rejection's metric dimension (the device is not told it); without one it is read from `errorMsg`.
 */
export type DeviceReply = { accepted: true; body: Record<string, unknown> } | { accepted: false; errorMsg: string; reason?: string };

/**
 * How long the work before a reply may take. The component waits 30 s for each reply; a request it
 * has given up on should stop drawing on the account's request quotas, which every other core's
 * rotation shares, and a reply sent a little before its timer ends still reaches it.
 */
export const DEVICE_WAIT_MS = 25_000;

export const rejectedWith = (errorMsg: string, reason?: string): DeviceReply => ({
  accepted: false,
  errorMsg,
  ...(reason === undefined ? {} : { reason }),
});

/** The fields the topic rules add to every device request. */
interface RuleProjections {
  thingName: string;
  jobId: string;
  clientId: string;
  principal: string;
}

export interface DeviceRequestSpec<T extends RuleProjections> {
  kind: RequestKind;
  schema: z.ZodMiniType<T>;
  /**
   * Does the request's work. A throw becomes a rejection naming the error. `principals`: the
   * thing's principals as the sender check listed them moments ago, when it did.
   */
  handle(request: T, invocation: Invocation, start: InvocationStart, principals?: readonly ThingPrincipal[]): Promise<DeviceReply>;
}

/**
 * The shared shape of the create and commit handlers: start the invocation, drop a request that
 * is not from the thing it names (no reply, a security event), parse the event
 * (an invalid one is rejected to the thing it names), run the request, and answer on the
 * request's accepted or rejected topic.
 */
export function deviceRequestHandler<T extends RuleProjections>(base: HandlerBase, spec: DeviceRequestSpec<T>): RotationHandler {
  const handle = answer(base, spec);
  return async (event, context) => {
    try {
      await handle(event, context);
    } finally {
      base.metrics.flush();
    }
  };
}

/** Metric names of one request kind. */
const COUNTED = {
  create: { accepted: 'RotationsStarted', rejected: 'CreateRejected' },
  commit: { accepted: 'RotationsCommitted', rejected: 'CommitRejected' },
} as const;

function answer<T extends RuleProjections>(base: HandlerBase, spec: DeviceRequestSpec<T>): RotationHandler {
  const { clients, metrics } = base;
  const label = spec.kind === 'create' ? 'Create certificate' : 'Commit certificate';
  const attachments = new AttachmentCache();
  const invalidReplies = new InvalidReplyBudget(5, base.now);
  return async (event, context) => {
    const start = base.begin(context);
    // Who sent it is settled before the payload is read: nobody else gets an answer on the thing's topics.
    let sender;
    try {
      const checking = start.invocation({});
      sender = await checkSender(
        spec.kind,
        event,
        clients,
        checking.withBudget(atMost(start.budget, DEVICE_WAIT_MS, base.now)),
        attachments,
      );
    } catch (error) {
      start.invocation({}).logger.error('Could not check who sent the request; dropped it unanswered', { error, ...claimedSender(event) });
      return;
    }
    if (!sender.ok) {
      const logger = start.invocation({}).logger;
      recordSecurityEvent(
        logger,
        { kind: 'RequestFromAnotherConnection', request: spec.kind, reason: sender.reason, ...claimedSender(event) },
        base.onSecurityEvent,
      );
      metrics.count('SecurityEvents', { reason: rejectionReason(sender.reason) });
      return;
    }
    const parsed = parseRequest(spec.schema, event);
    if (!parsed.ok) {
      metrics.count(COUNTED[spec.kind].rejected, { reason: 'InvalidRequest' });
      await rejectInvalidRequest(spec.kind, parsed, clients, start, invalidReplies);
      return;
    }
    const request = parsed.request;
    const invocation = start.invocation({ thingName: request.thingName, jobId: request.jobId });
    invocation.logger.info(`${label} request`, { principal: request.principal, clientId: request.clientId });
    let reply: DeviceReply;
    try {
      // The listing is of the thing the rule named, which the request names too (both are `topic(3)`).
      const listed = sender.sender.thingName === request.thingName ? sender.principals : undefined;
      reply = await spec.handle(request, invocation, start, listed);
    } catch (error) {
      invocation.logger.error(`${label} failed`, { error });
      reply = rejectedWith(describeError(error));
    }
    if (reply.accepted) metrics.count(COUNTED[spec.kind].accepted);
    else metrics.count(COUNTED[spec.kind].rejected, { reason: reply.reason ?? rejectionReason(reply.errorMsg) });
    const topic = replyTopic(spec.kind, request.thingName, reply.accepted ? 'accepted' : 'rejected');
    await publishReply(await clients.iotData(invocation), topic, reply.accepted ? reply.body : { errorMsg: reply.errorMsg }, invocation);
  };
}
