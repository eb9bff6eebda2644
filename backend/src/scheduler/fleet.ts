import { X509Certificate } from 'node:crypto';
import {
  DescribeCertificateCommand,
  DescribeThingGroupCommand,
  ListPrincipalThingsV2Command,
  ListThingGroupsForThingCommand,
  ListThingPrincipalsV2Command,
  ListThingsInThingGroupCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-iot';
import { certificateIdOf } from '../aws/thing-principals.js';
import type { CertificateFacts } from './due.js';
import { allPages, type SchedulerAws } from './scheduler-aws.js';

/** Every thing in the group and its child groups; undefined when the group does not exist. */
export async function groupMembers(aws: SchedulerAws, thingGroupName: string): Promise<string[] | undefined> {
  try {
    return await allPages(
      (nextToken) =>
        aws.call('ListThingsInThingGroup', () =>
          aws.iot.send(new ListThingsInThingGroupCommand({ thingGroupName, recursive: true, maxResults: 250, nextToken })),
        ),
      (page) => page.things,
    );
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** Ids of the certificates attached to the thing, exclusively or not; other principals are left out. */
export async function thingCertificateIds(aws: SchedulerAws, thingName: string): Promise<string[]> {
  const principals = await allPages(
    (nextToken) => aws.call('ListThingPrincipalsV2', () => aws.iot.send(new ListThingPrincipalsV2Command({ thingName, nextToken }))),
    (page) => page.thingPrincipalObjects,
  );
  return principals.map((p) => certificateIdOf(p.principal ?? '')).filter((id): id is string => id !== undefined);
}

export interface CertificateRecord extends CertificateFacts {
  status: string;
  certificateArn: string;
}

/**
 * The registry's record of a certificate. Its expiry is the certificate's own notAfter (what TLS
 * checks; AWS IoT's registry may not know it for a certificate registered without its CA, as AWS
 * Private CA's are), and the registry's validity only when the PEM cannot be read.
 */
export async function certificateRecord(aws: SchedulerAws, certificateId: string): Promise<CertificateRecord> {
  const { certificateDescription: d } = await aws.call('DescribeCertificate', () =>
    aws.iot.send(new DescribeCertificateCommand({ certificateId })),
  );
  const notAfter = pemNotAfter(d?.certificatePem) ?? d?.validity?.notAfter?.getTime();
  if (d?.creationDate === undefined || notAfter === undefined) {
    throw new Error(`DescribeCertificate ${certificateId} gave no creation date or validity`);
  }
  return {
    certificateId,
    certificateArn: d.certificateArn ?? '',
    status: d.status ?? 'UNKNOWN',
    createdAt: d.creationDate.getTime(),
    notAfter,
  };
}

function pemNotAfter(pem: string | undefined): number | undefined {
  if (pem === undefined || pem === '') return undefined;
  try {
    const notAfter = Date.parse(new X509Certificate(pem).validTo);
    return Number.isNaN(notAfter) ? undefined : notAfter;
  } catch {
    return undefined;
  }
}

/** Things the certificate is attached to. */
export async function certificateThings(aws: SchedulerAws, certificateArn: string): Promise<string[]> {
  const things = await allPages(
    (nextToken) =>
      aws.call('ListPrincipalThingsV2', () => aws.iot.send(new ListPrincipalThingsV2Command({ principal: certificateArn, nextToken }))),
    (page) => page.principalThingObjects,
  );
  return things.map((t) => t.thingName ?? '').filter((name) => name !== '');
}

/** The thing groups the thing belongs to, directly or through a child group. */
export async function thingGroupsOf(aws: SchedulerAws, thingName: string): Promise<Set<string>> {
  const direct = await allPages(
    (nextToken) => aws.call('ListThingGroupsForThing', () => aws.iot.send(new ListThingGroupsForThingCommand({ thingName, nextToken }))),
    (page) => page.thingGroups,
  );
  const names = new Set(direct.map((g) => g.groupName ?? '').filter((name) => name !== ''));
  for (const thingGroupName of [...names]) {
    const group = await aws.call('DescribeThingGroup', () => aws.iot.send(new DescribeThingGroupCommand({ thingGroupName })));
    for (const parent of group.thingGroupMetadata?.rootToParentThingGroups ?? []) {
      if (parent.groupName !== undefined) names.add(parent.groupName);
    }
  }
  return names;
}
