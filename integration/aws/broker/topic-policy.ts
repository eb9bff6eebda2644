/**
 * What a device may do on AWS IoT's reserved topics, in the shape of the usual Greengrass core
 * policy: `$aws/things/<thing>/...` only for a connection whose client id starts with `<thing>`
 * and whose certificate is attached to that thing; nothing else under `$aws/` (notably not
 * `$aws/events/...`, which only AWS IoT publishes).
 */
export interface ConnectionIdentity {
  clientId: string;
  /** Certificate id. */
  principal: string;
}

export type IsPrincipalOfThing = (principal: string, thingName: string) => boolean;

// greengrassv2: the nucleus's fleet status (`$aws/things/<thing>/greengrassv2/health/json`).
const THING_TOPIC = /^\$aws\/things\/([^/]+)\/(jobs|shadow|greengrassv2)(\/|$)/;

export function mayPublish(identity: ConnectionIdentity, topic: string, isPrincipalOfThing: IsPrincipalOfThing): boolean {
  if (!topic.startsWith('$')) return true;
  const match = THING_TOPIC.exec(topic);
  if (!match?.[1]) return false;
  return ownsThing(identity, match[1], isPrincipalOfThing);
}

export function maySubscribe(identity: ConnectionIdentity, filter: string, isPrincipalOfThing: IsPrincipalOfThing): boolean {
  if (!filter.startsWith('$aws/things/')) return true;
  const thingName = filter.split('/')[2];
  if (thingName === undefined || thingName === '+' || thingName === '#') return false;
  return ownsThing(identity, thingName, isPrincipalOfThing);
}

function ownsThing(identity: ConnectionIdentity, thingName: string, isPrincipalOfThing: IsPrincipalOfThing): boolean {
  return identity.clientId.startsWith(thingName) && isPrincipalOfThing(identity.principal, thingName);
}
