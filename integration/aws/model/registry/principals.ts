import { AwsError } from '../errors.js';

export type ThingPrincipalType = 'EXCLUSIVE_THING' | 'NON_EXCLUSIVE_THING';

export interface ThingPrincipal {
  thingName: string;
  principal: string;
  thingPrincipalType: ThingPrincipalType;
}

interface Attachment extends ThingPrincipal {
  /** Set by DetachThingPrincipal: the attachment still counts until this time (epoch ms). */
  detachedAt?: number;
}

/**
 * Thing-principal attachments. Detaching is asynchronous in AWS IoT: an attachment keeps showing
 * (in listings and in DeleteCertificate's check) for `propagationDelayMs` after DetachThingPrincipal.
 */
export class ThingPrincipals {
  private attachments: Attachment[] = [];

  constructor(
    private readonly now: () => number,
    private readonly propagationDelayMs: () => number,
  ) {}

  attach(thingName: string, principal: string, type: ThingPrincipalType = 'NON_EXCLUSIVE_THING'): void {
    this.expire();
    const others = this.attachments.filter((a) => a.principal === principal && a.thingName !== thingName);
    if (others.some((a) => a.thingPrincipalType === 'EXCLUSIVE_THING')) {
      throw new AwsError('InvalidRequestException', `Principal ${principal} is exclusively attached to another thing`);
    }
    if (type === 'EXCLUSIVE_THING' && others.length > 0) {
      throw new AwsError('InvalidRequestException', `Principal ${principal} is already attached to another thing`);
    }
    const same = this.attachments.find((a) => a.principal === principal && a.thingName === thingName);
    if (same && same.detachedAt === undefined) {
      same.thingPrincipalType = type;
      return;
    }
    this.attachments = this.attachments.filter((a) => a !== same);
    this.attachments.push({ thingName, principal, thingPrincipalType: type });
  }

  /** Succeeds whether or not the attachment exists, as AWS IoT does. */
  detach(thingName: string, principal: string): void {
    const delay = this.propagationDelayMs();
    for (const a of this.attachments) {
      if (a.thingName === thingName && a.principal === principal && a.detachedAt === undefined) {
        a.detachedAt = this.now() + delay;
      }
    }
    this.expire();
  }

  listForThing(thingName: string, type?: ThingPrincipalType): ThingPrincipal[] {
    this.expire();
    return this.attachments
      .filter((a) => a.thingName === thingName && (type === undefined || a.thingPrincipalType === type))
      .map(({ thingName: t, principal, thingPrincipalType }) => ({ thingName: t, principal, thingPrincipalType }));
  }

  listForPrincipal(principal: string, type?: ThingPrincipalType): ThingPrincipal[] {
    this.expire();
    return this.attachments
      .filter((a) => a.principal === principal && (type === undefined || a.thingPrincipalType === type))
      .map(({ thingName, principal: p, thingPrincipalType }) => ({ thingName, principal: p, thingPrincipalType }));
  }

  private expire(): void {
    const now = this.now();
    this.attachments = this.attachments.filter((a) => a.detachedAt === undefined || a.detachedAt > now);
  }
}
