import { X509Certificate } from 'node:crypto';
import {
  DescribeCertificateCommand,
  DescribeThingGroupCommand,
  GetJobDocumentCommand,
  paginateListJobExecutionsForThing,
  paginateListThingPrincipalsV2,
  paginateListThingsInThingGroup,
  ResourceNotFoundException,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { JOB_DOCUMENT } from '../../shared/contract/index.js';
import { describeAwsError } from './cli.js';

const DAY_MS = 86_400_000;

/** One core device's certificate and rotation, as the fleet-status command shows it. */
export interface CoreStatus {
  thingName: string;
  /** The certificate the core connects with: the one attached, or the ACTIVE one of several. */
  certificateId: string | null;
  /** The issuer's common name (or organisational unit, as AWS IoT's own issuer has). */
  issuer: string | null;
  /** ISO 8601. */
  notAfter: string | null;
  ageDays: number | null;
  daysLeft: number | null;
  lastRotation: { jobId: string; status: string } | null;
  warnings: string[];
}

export interface FleetStatus {
  thingGroup: string;
  cores: CoreStatus[];
  /** Cores with at least one warning. */
  warnings: number;
  /** Cores that could not be read completely. */
  unreadable: number;
}

export interface ReadOptions {
  concurrency: number;
  now: number;
  onProgress?: (read: number, total: number) => void;
}

interface CertificateView {
  certificateId: string;
  status: string;
  createdAt: number | undefined;
  pem: X509Certificate | undefined;
}

function parsePem(pem: string | undefined): X509Certificate | undefined {
  try {
    return pem === undefined ? undefined : new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

/** `CN=...` of the issuer, else its `OU=...`, else the whole name on one line. */
export function issuerName(certificate: X509Certificate): string {
  const parts = certificate.issuer.split('\n');
  const pick = (key: string) => parts.find((p) => p.startsWith(`${key}=`))?.slice(key.length + 1);
  return pick('CN') ?? pick('OU') ?? parts.join(', ');
}

async function certificatesOf(iot: IoTClient, thingName: string): Promise<CertificateView[]> {
  const ids: string[] = [];
  for await (const page of paginateListThingPrincipalsV2({ client: iot }, { thingName })) {
    for (const p of page.thingPrincipalObjects ?? []) {
      const id = /:cert\/([0-9a-f]{64})$/.exec(p.principal ?? '')?.[1];
      if (id !== undefined) ids.push(id);
    }
  }
  const views: CertificateView[] = [];
  for (const certificateId of ids) {
    const { certificateDescription: d } = await iot.send(new DescribeCertificateCommand({ certificateId }));
    views.push({ certificateId, status: d?.status ?? 'UNKNOWN', createdAt: d?.creationDate?.getTime(), pem: parsePem(d?.certificatePem) });
  }
  return views;
}

async function lastRotationOf(
  iot: IoTClient,
  thingName: string,
  isRotationJob: (jobId: string) => Promise<boolean>,
): Promise<CoreStatus['lastRotation']> {
  const executions: Array<{ jobId: string; status: string; queuedAt: number }> = [];
  for await (const page of paginateListJobExecutionsForThing({ client: iot }, { thingName, maxResults: 250 })) {
    for (const e of page.executionSummaries ?? []) {
      if (e.jobId !== undefined)
        executions.push({
          jobId: e.jobId,
          status: e.jobExecutionSummary?.status ?? 'UNKNOWN',
          queuedAt: e.jobExecutionSummary?.queuedAt?.getTime() ?? 0,
        });
    }
  }
  for (const e of executions.sort((a, b) => b.queuedAt - a.queuedAt)) {
    if (await isRotationJob(e.jobId)) return { jobId: e.jobId, status: e.status };
  }
  return null;
}

/** A core of which nothing is known yet, with these warnings. */
function unknownCore(thingName: string, warnings: string[] = []): CoreStatus {
  return { thingName, certificateId: null, issuer: null, notAfter: null, ageDays: null, daysLeft: null, lastRotation: null, warnings };
}

async function readCore(
  iot: IoTClient,
  thingName: string,
  now: number,
  isRotationJob: (jobId: string) => Promise<boolean>,
): Promise<CoreStatus> {
  const status = unknownCore(thingName);
  const certificates = await certificatesOf(iot, thingName);
  if (certificates.length === 0) status.warnings.push('no certificate attached');
  if (certificates.length > 1) {
    status.warnings.push(
      `${certificates.length} certificates attached: ${certificates.map((c) => `${c.certificateId.slice(0, 12)}… ${c.status}`).join(', ')}`,
    );
  }
  const current = certificates.find((c) => c.status === 'ACTIVE') ?? certificates[0];
  if (current !== undefined) {
    if (current.status !== 'ACTIVE') status.warnings.push(`certificate ${current.certificateId.slice(0, 12)}… is ${current.status}`);
    status.certificateId = current.certificateId;
    if (current.pem !== undefined) {
      const notAfter = Date.parse(current.pem.validTo);
      status.issuer = issuerName(current.pem);
      status.notAfter = new Date(notAfter).toISOString();
      status.daysLeft = Math.floor((notAfter - now) / DAY_MS);
    }
    // A clock a little behind AWS's would show a certificate issued just now as -1 day old.
    if (current.createdAt !== undefined) status.ageDays = Math.max(0, Math.floor((now - current.createdAt) / DAY_MS));
  }
  status.lastRotation = await lastRotationOf(iot, thingName, isRotationJob);
  return status;
}

/**
 * Reads every core of a thing group (child groups included): its certificates, and its last
 * rotation job. A core that cannot be read is listed with a warning that says why.
 * @throws Error `Thing group <name> not found` when the group does not exist
 */
export async function readFleetStatus(iot: IoTClient, thingGroup: string, options: ReadOptions): Promise<FleetStatus> {
  try {
    await iot.send(new DescribeThingGroupCommand({ thingGroupName: thingGroup }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new Error(`Thing group ${thingGroup} not found`);
    throw error;
  }
  const things: string[] = [];
  for await (const page of paginateListThingsInThingGroup(
    { client: iot },
    { thingGroupName: thingGroup, recursive: true, maxResults: 250 },
  )) {
    things.push(...(page.things ?? []));
  }
  const documents = new Map<string, Promise<boolean>>();
  const isRotationJob = (jobId: string): Promise<boolean> => {
    let known = documents.get(jobId);
    if (known === undefined) {
      known = iot.send(new GetJobDocumentCommand({ jobId })).then((d) => d.document === JOB_DOCUMENT);
      documents.set(jobId, known);
    }
    return known;
  };
  const cores: CoreStatus[] = new Array<CoreStatus>(things.length);
  let next = 0;
  let read = 0;
  let unreadable = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < things.length; i = next++) {
      const thingName = things[i] ?? '';
      try {
        cores[i] = await readCore(iot, thingName, options.now, isRotationJob);
      } catch (error) {
        unreadable += 1;
        cores[i] = unknownCore(thingName, [`could not be read: ${describeAwsError(error)}`]);
      }
      options.onProgress?.(++read, things.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, things.length)) }, worker));
  const sorted = cores.sort((a, b) => a.thingName.localeCompare(b.thingName));
  return { thingGroup, cores: sorted, warnings: sorted.filter((c) => c.warnings.length > 0).length, unreadable };
}
