import { ListPrincipalPoliciesCommand, ListThingPrincipalsV2Command, ResourceNotFoundException, type IoTClient } from '@aws-sdk/client-iot';
import type { Invocation } from '../runtime/invocation.js';

/** The id in `arn:aws:iot:<region>:<account>:cert/<id>`, or undefined when the ARN names no certificate. */
export function certificateIdOf(principalArn: string): string | undefined {
  const marker = ':cert/';
  const at = principalArn.lastIndexOf(marker);
  if (at < 0) return undefined;
  const id = principalArn.slice(at + marker.length);
  return id === '' ? undefined : id;
}

/**
 * Principal ARNs attached exclusively to the thing (rotated certificates always are). A missing
 * thing has none.
 */
export async function exclusivePrincipals(iot: IoTClient, thingName: string, invocation: Invocation): Promise<string[]> {
  try {
    const answer = await invocation.call('ListThingPrincipalsV2', () =>
      iot.send(new ListThingPrincipalsV2Command({ thingName, thingPrincipalType: 'EXCLUSIVE_THING' })),
    );
    return (answer.thingPrincipalObjects ?? []).map((object) => object.principal ?? '');
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return [];
    throw error;
  }
}

/** One principal attached to a thing, and whether it is attached to that thing alone. */
export interface ThingPrincipal {
  readonly arn: string;
  readonly exclusive: boolean;
}

/**
 * Every principal attached to the thing, exclusively or not (all pages). A missing thing has none.
 * One listing answers both who may speak for the thing and what the rotation's pre-conditions
 * need, so a request costs one call of the account-wide ListThingPrincipalsV2 quota, not two.
 */
export async function thingPrincipals(iot: IoTClient, thingName: string, invocation: Invocation): Promise<ThingPrincipal[]> {
  const found: ThingPrincipal[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await invocation.call('ListThingPrincipalsV2', () =>
        iot.send(new ListThingPrincipalsV2Command({ thingName, ...(nextToken === undefined ? {} : { nextToken }) })),
      );
      for (const object of page.thingPrincipalObjects ?? []) {
        found.push({ arn: object.principal ?? '', exclusive: object.thingPrincipalType === 'EXCLUSIVE_THING' });
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined && nextToken !== '');
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return [];
    throw error;
  }
  return found;
}

/** The ARNs of the principals attached to the thing alone, as `exclusivePrincipals` lists them. */
export function exclusiveArns(principals: readonly ThingPrincipal[]): string[] {
  return principals.filter((principal) => principal.exclusive).map((principal) => principal.arn);
}

/** Whether the certificate is among the thing's principals. */
export function includesCertificate(principals: readonly ThingPrincipal[], certificateId: string): boolean {
  return principals.some((principal) => certificateIdOf(principal.arn) === certificateId);
}

/** A principal that is a certificate: its ARN and id. */
export interface CertificatePrincipal {
  readonly arn: string;
  readonly id: string;
}

/** The one principal, when there is exactly one and it is a certificate. */
export function soleCertificate(principals: readonly string[]): CertificatePrincipal | undefined {
  const [arn, ...others] = principals;
  if (arn === undefined || others.length > 0) return undefined;
  const id = certificateIdOf(arn);
  return id === undefined ? undefined : { arn, id };
}

/** The certificate ids of exactly `count` principals, or undefined when they are not all certificates. */
export function certificateIds(principals: readonly string[], count: number): string[] | undefined {
  if (principals.length !== count) return undefined;
  const ids = principals.map(certificateIdOf);
  return ids.every((id): id is string => id !== undefined) ? ids : undefined;
}

export async function policyNamesOf(iot: IoTClient, principal: string, invocation: Invocation): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await invocation.call('ListPrincipalPolicies', () =>
      iot.send(new ListPrincipalPoliciesCommand({ principal, ...(marker === undefined ? {} : { marker }) })),
    );
    for (const policy of page.policies ?? []) {
      if (policy.policyName !== undefined) names.push(policy.policyName);
    }
    marker = page.nextMarker;
  } while (marker !== undefined && marker !== '');
  return names;
}
