import {
  CreateJobCommand,
  DescribeCertificateCommand,
  DescribeJobExecutionCommand,
  DescribeJobTemplateCommand,
  DescribeThingGroupCommand,
  ListThingPrincipalsV2Command,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { GetThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { watchJob } from '../../shared/operator/job-watch.js';
import type { RotationTarget } from './target.js';

export interface AttachedCertificate {
  certificateId: string;
  status: string;
  certificatePem: string;
}

export interface JobResult {
  jobId: string;
  statuses: Record<string, string>;
  counts: Record<string, number>;
  /** DeviceFailureReason per thing, for failed executions. */
  reasons: Record<string, string>;
}

/** The certificates attached exclusively to a thing, as AWS IoT reports them. */
export async function attachedCertificates(target: RotationTarget, thingName: string): Promise<AttachedCertificate[]> {
  const principals = await target.iot.send(new ListThingPrincipalsV2Command({ thingName, thingPrincipalType: 'EXCLUSIVE_THING' }));
  const result: AttachedCertificate[] = [];
  for (const p of principals.thingPrincipalObjects ?? []) {
    const certificateId = p.principal?.split('cert/')[1];
    if (!certificateId) continue;
    const d = await target.iot.send(new DescribeCertificateCommand({ certificateId }));
    result.push({
      certificateId,
      status: d.certificateDescription?.status ?? '?',
      certificatePem: d.certificateDescription?.certificatePem ?? '',
    });
  }
  return result;
}

/** Creates a job from the rotation template for the target's thing group and waits for it to end. */
export async function runRotationJob(target: RotationTarget, label: string): Promise<JobResult> {
  const template = await target.iot.send(new DescribeJobTemplateCommand({ jobTemplateId: target.jobTemplateId }));
  const group = await target.iot.send(new DescribeThingGroupCommand({ thingGroupName: target.thingGroupName }));
  const jobId = `${label}-${Date.now()}`.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 64);
  await target.iot.send(
    new CreateJobCommand({
      jobId,
      jobTemplateArn: template.jobTemplateArn,
      targets: [group.thingGroupArn ?? ''],
      targetSelection: 'SNAPSHOT',
    }),
  );
  const things = await target.things();
  const progress = await watchJob(target.iot, jobId, {
    intervalMs: target.pollIntervalMs,
    timeoutMs: target.jobTimeoutMs,
    expectedThings: things.length,
  });
  const statuses = Object.fromEntries(progress.executions.map((e) => [e.thingName, e.status]));
  const reasons: Record<string, string> = {};
  for (const e of progress.executions.filter((x) => x.status === 'FAILED')) {
    const d = await target.iot.send(new DescribeJobExecutionCommand({ jobId, thingName: e.thingName }));
    const reason = d.execution?.statusDetails?.detailsMap?.DeviceFailureReason;
    if (reason) reasons[e.thingName] = reason;
  }
  return { jobId, statuses, counts: progress.counts, reasons };
}

/**
 * Deactivates every new certificate as soon as the backend records it in the rotation shadow, so
 * that cores cannot reconnect with it (the original's "rollback if re-connection fails" case).
 * Returns a function that stops watching.
 */
export function deactivateNewCertificates(target: RotationTarget, things: string[], intervalMs = 100): () => Promise<void> {
  let stopped = false;
  const done = new Set<string>();
  const loop = (async () => {
    while (!stopped) {
      for (const thingName of things) {
        const id = await newCertificateIdOf(target, thingName);
        if (id && !done.has(id)) {
          await target.iot.send(new UpdateCertificateCommand({ certificateId: id, newStatus: 'INACTIVE' }));
          done.add(id);
        }
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

async function newCertificateIdOf(target: RotationTarget, thingName: string): Promise<string | undefined> {
  try {
    const shadow = await target.iotData.send(new GetThingShadowCommand({ thingName, shadowName: target.jobTemplateId }));
    const document = JSON.parse(Buffer.from(shadow.payload ?? new Uint8Array()).toString('utf8')) as {
      state?: { reported?: { newCertificateId?: string } };
    };
    return document.state?.reported?.newCertificateId;
  } catch {
    return undefined;
  }
}
