import { retireCertificate } from '../aws/certificate-retirement.js';
import type { HandlerClients } from '../aws/clients.js';
import { rotationInProgress } from '../aws/job-execution.js';
import { deleteShadow, readShadow, rotationRecordOf, type RotationRecord } from '../aws/rotation-shadow.js';
import { certificateIdOf } from '../aws/thing-principals.js';
import type { CreateRequest } from '../events/device-requests.js';
import type { Invocation } from '../runtime/invocation.js';
import { RetryBudgetExhaustedError } from '../runtime/retry.js';

interface SettleContext {
  clients: HandlerClients;
  settings: { jobDocument: string; shadowName: string };
  work: Invocation;
}

/**
 * An earlier rotation of this thing may have ended with both of its certificates attached: after
 * its commit, without the core saying which one it kept (the terminal function then marks the
 * record `unsettled`), or without its terminal event ever being handled. A create request settles
 * it. The core sends one only from rest, holding no backup, over a connection made with the
 * certificate it uses: the other one is held by nobody and is retired, and the rotation goes on
 * from the one certificate left. Anything that does not fit that picture is left alone, and the
 * pre-conditions then refuse the request as before.
 *
 * @returns the thing's exclusive principals once settled (unchanged when nothing was settled)
 */
export async function settleEarlierRotation(request: CreateRequest, principals: readonly string[], ctx: SettleContext): Promise<string[]> {
  if (principals.length !== 2) return [...principals];
  const { work } = ctx;
  const shadow = { thingName: request.thingName, shadowName: ctx.settings.shadowName };
  const record = await earlierRecord(ctx, shadow, work);
  if (record === undefined || !(await belongsToEndedJob(record, request, ctx))) return [...principals];
  const ids = principals.map((arn) => certificateIdOf(arn));
  const pair = [record.oldCertificateId, record.newCertificateId];
  if (!pair.every((id) => ids.includes(id)) || !pair.includes(request.principal)) {
    work.logger.info('An earlier rotation is recorded but the thing does not hold its pair; not settling', { ...record });
    return [...principals];
  }
  const otherIndex = ids.findIndex((id) => id !== request.principal);
  const otherArn = principals[otherIndex] ?? '';
  const otherId = ids[otherIndex] ?? '';
  work.logger.warn('Settling an earlier rotation: the core uses one of its certificates, retiring the other', {
    certificateInUse: request.principal,
    retiredCertificateId: otherId,
    earlierJobId: record.jobId ?? '',
  });
  await retireCertificate(
    ctx.clients.iot,
    { certificateId: otherId, certificateArn: otherArn },
    { thingName: request.thingName, detachPolicies: true },
    work,
  );
  await deleteShadow(await ctx.clients.iotData(work), shadow, work);
  return principals.filter((_, index) => index !== otherIndex);
}

async function earlierRecord(
  ctx: SettleContext,
  shadow: { thingName: string; shadowName: string },
  work: Invocation,
): Promise<RotationRecord | undefined> {
  try {
    return rotationRecordOf(await readShadow(await ctx.clients.iotData(work), shadow, work));
  } catch (error) {
    if (error instanceof RetryBudgetExhaustedError) throw error;
    work.logger.debug('No rotation record', { error });
    return undefined;
  }
}

/**
 * True when the record is about a rotation that has ended: marked unsettled, or naming another job
 * that is no longer in progress. A record of this very job means a repeated create request of a
 * rotation under way, which must not be disturbed.
 */
async function belongsToEndedJob(record: RotationRecord, request: CreateRequest, ctx: SettleContext): Promise<boolean> {
  if (record.progress === 'unsettled') return record.jobId !== request.jobId;
  if (record.jobId === undefined || record.jobId === request.jobId) return false;
  return !(await rotationInProgress(
    ctx.clients,
    { jobId: record.jobId, thingName: request.thingName },
    ctx.settings.jobDocument,
    ctx.work,
  ));
}
