import * as z from 'zod/mini';
import '../../../shared/contract/zod-english.js';
import type { HandlerClients } from '../aws/clients.js';
import { includesCertificate, thingPrincipals, type ThingPrincipal } from '../aws/thing-principals.js';
import type { Invocation } from '../runtime/invocation.js';
import { certificateIdSchema, requestTopic, thingNameSchema, type RequestKind } from '../../../shared/contract/index.js';

/** What the topic rule says about the connection that published: `topic(3)`, `topic()`, `clientid()`, `principal()`. */
const senderSchema = z.object({
  thingName: thingNameSchema,
  topic: z.string(),
  clientId: z.string(),
  principal: certificateIdSchema,
});

export type Sender = z.infer<typeof senderSchema>;

/**
 * `principals`: the thing's principals, when the check listed them just now (not from the cache),
 * so that the request's pre-conditions can use that listing instead of making another.
 */
export type SenderCheck = { ok: true; sender: Sender; principals?: ThingPrincipal[] } | { ok: false; reason: string };

/**
 * The Greengrass nucleus connects with the thing name as client id, and names any further
 * connection `<thing>#<n>` with n from 2 (MqttClient.getNewMqttClient in aws-greengrass-nucleus).
 */
export function isClientIdOfThing(clientId: string, thingName: string): boolean {
  if (clientId === thingName) return true;
  const suffix = clientId.startsWith(`${thingName}#`) ? clientId.slice(thingName.length + 1) : '';
  return /^[1-9][0-9]{0,8}$/.test(suffix) && Number(suffix) >= 2;
}

/**
 * Recent answers to "is this certificate attached to this thing", kept by one handler instance.
 * A connection that floods its requests then costs one ListThingPrincipalsV2 call per TTL rather
 * than one per message: that API's account-wide quota is shared with every other rotation.
 */
export class AttachmentCache {
  private readonly entries = new Map<string, { attached: boolean; until: number }>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached answer, or undefined when there is none (or it has expired). */
  known(thingName: string, certificateId: string): boolean | undefined {
    const known = this.entries.get(key(thingName, certificateId));
    return known !== undefined && known.until > this.now() ? known.attached : undefined;
  }

  remember(thingName: string, certificateId: string, attached: boolean): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key(thingName, certificateId), { attached, until: this.now() + this.ttlMs });
  }
}

const key = (thingName: string, certificateId: string): string => `${thingName}\u0000${certificateId}`;

/**
 * Whether the request came from the thing named in its topic: the connection's certificate is
 * attached to that thing and its client id is one the thing's nucleus uses. Reads only what the
 * rule projected, never the device's payload.
 */
export async function checkSender(
  kind: RequestKind,
  event: unknown,
  clients: HandlerClients,
  invocation: Invocation,
  cache: AttachmentCache = new AttachmentCache(0),
): Promise<SenderCheck> {
  const parsed = senderSchema.safeParse(event);
  if (!parsed.success) return { ok: false, reason: 'the rule did not pass a thing name, client id and certificate principal' };
  const sender = parsed.data;
  if (sender.topic !== requestTopic(kind, sender.thingName)) return { ok: false, reason: `published on ${sender.topic}` };
  if (!isClientIdOfThing(sender.clientId, sender.thingName)) return { ok: false, reason: 'the client id is not the thing name' };
  const notAttached = { ok: false, reason: 'the certificate is not attached to the thing' } as const;
  const known = cache.known(sender.thingName, sender.principal);
  if (known === false) return notAttached;
  if (known === true) return { ok: true, sender };
  const principals = await thingPrincipals(clients.iot, sender.thingName, invocation);
  const attached = includesCertificate(principals, sender.principal);
  cache.remember(sender.thingName, sender.principal, attached);
  return attached ? { ok: true, sender, principals } : notAttached;
}

/** The sender fields of an event, as given (for the security log when the event is not trusted). */
export function claimedSender(event: unknown): { thingName?: unknown; principal?: unknown; clientId?: unknown } {
  if (typeof event !== 'object' || event === null) return {};
  const record = event as Record<string, unknown>;
  // Bounded, so a sender cannot flood the log through these fields.
  const shown = (value: unknown): unknown =>
    typeof value === 'string' ? value.slice(0, 200) : value === undefined ? undefined : typeof value;
  return { thingName: shown(record['thingName']), principal: shown(record['principal']), clientId: shown(record['clientId']) };
}
