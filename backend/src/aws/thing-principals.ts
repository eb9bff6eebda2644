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

/** Whether the certificate is attached to the thing, exclusively or not. A missing thing has none. */
export async function isAttachedToThing(
  iot: IoTClient,
  thingName: string,
  certificateId: string,
  invocation: Invocation,
): Promise<boolean> {
  let nextToken: string | undefined;
  try {
    do {
      const page = await invocation.call('ListThingPrincipalsV2', () =>
        iot.send(new ListThingPrincipalsV2Command({ thingName, ...(nextToken === undefined ? {} : { nextToken }) })),
      );
      if ((page.thingPrincipalObjects ?? []).some((object) => certificateIdOf(object.principal ?? '') === certificateId)) return true;
      nextToken = page.nextToken;
    } while (nextToken !== undefined && nextToken !== '');
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
  return false;
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
