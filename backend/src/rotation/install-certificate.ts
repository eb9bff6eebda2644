import { AttachPolicyCommand, AttachThingPrincipalCommand } from '@aws-sdk/client-iot';
import { retireCertificate } from '../aws/certificate-retirement.js';
import type { HandlerClients } from '../aws/clients.js';
import { describeError, isNamed } from '../aws/errors.js';
import { rotationInProgress } from '../aws/job-execution.js';
import { deleteShadow, reportProgress } from '../aws/rotation-shadow.js';
import { policyNamesOf } from '../aws/thing-principals.js';
import type { CreateRequest } from '../events/device-requests.js';
import type { IssuedCertificate } from '../issuers/certificate-issuer.js';
import type { Invocation } from '../runtime/invocation.js';
import { RetryBudgetExhaustedError } from '../runtime/retry.js';
import { PRECONDITIONS_NOT_MET } from './messages.js';

interface InstallContext {
  clients: HandlerClients;
  settings: { jobDocument: string; shadowName: string };
  work: Invocation;
  full: Invocation;
}

export type InstallOutcome = { ok: true } | { ok: false; errorMsg: string };

/** How far an install got, so that undoing it touches only what was done. */
interface Progress {
  policiesAttached: boolean;
  attachedToThing: boolean;
  shadowWritten: boolean;
}

/**
 * Gives the new certificate the old one's policies, attaches it to the thing and records both ids
 * in the shadow. Private CA issuance can outlast the device's patience: if the device has already
 * ended the job execution, the certificate is removed again instead of being left attached. The
 * check runs before attaching and once more after the shadow is written, since the terminal
 * function may have read the shadow in between and found nothing to clean up.
 */
export async function installCertificate(
  request: CreateRequest,
  issued: IssuedCertificate,
  oldCertificateArn: string,
  /** The shadow version the rotation's claim produced; the record is written only over it. */
  claimVersion: number,
  ctx: InstallContext,
): Promise<InstallOutcome> {
  const progress: Progress = { policiesAttached: false, attachedToThing: false, shadowWritten: false };
  let outcome: InstallOutcome;
  try {
    outcome = await attachAndRecord(request, issued, { oldCertificateArn, claimVersion }, progress, ctx);
  } catch (error) {
    ctx.work.logger.error('Installing the new certificate failed', { error, newCertificateId: issued.certificateId });
    outcome = {
      ok: false,
      errorMsg:
        error instanceof RetryBudgetExhaustedError ? error.message : `Failed to install the new certificate: ${describeError(error)}`,
    };
  }
  if (!outcome.ok) {
    ctx.full.logger.warn('Removing the new certificate', { newCertificateId: issued.certificateId });
    await undo(request.thingName, issued, progress, ctx).catch((error: unknown) => {
      ctx.full.logger.error('Could not remove the new certificate', { error, newCertificateId: issued.certificateId });
    });
  }
  return outcome;
}

async function attachAndRecord(
  request: CreateRequest,
  issued: IssuedCertificate,
  { oldCertificateArn, claimVersion }: { oldCertificateArn: string; claimVersion: number },
  progress: Progress,
  ctx: InstallContext,
): Promise<InstallOutcome> {
  const { clients, work } = ctx;
  const { thingName } = request;
  const certificateArn = issued.certificateArn;
  const newCertificateId = issued.certificateId;
  if (!(await rotationInProgress(clients, request, ctx.settings.jobDocument, work))) {
    work.logger.warn('Job execution ended while the certificate was issued', { newCertificateId });
    return { ok: false, errorMsg: PRECONDITIONS_NOT_MET };
  }
  for (const policyName of await policyNamesOf(clients.iot, oldCertificateArn, work)) {
    progress.policiesAttached = true;
    await work.call('AttachPolicy', () => clients.iot.send(new AttachPolicyCommand({ policyName, target: certificateArn })));
    work.logger.info('Policy attached to new certificate', { policyName, newCertificateId });
  }
  // Marked first: a call that fails on the way back may still have attached it.
  progress.attachedToThing = true;
  await work.call('AttachThingPrincipal', () =>
    clients.iot.send(new AttachThingPrincipalCommand({ thingName, principal: certificateArn, thingPrincipalType: 'EXCLUSIVE_THING' })),
  );
  progress.shadowWritten = true;
  try {
    await reportProgress(
      await clients.iotData(work),
      { thingName, shadowName: ctx.settings.shadowName },
      { progress: 'created', jobId: request.jobId, oldCertificateId: request.principal, newCertificateId },
      work,
      claimVersion,
    );
  } catch (error) {
    if (!isNamed(error, 'ConflictException')) throw error;
    // Not written: the shadow changed since the claim (the terminal function deleted it, say).
    progress.shadowWritten = false;
    work.logger.warn('The rotation shadow changed since this request claimed it', { newCertificateId });
    return { ok: false, errorMsg: PRECONDITIONS_NOT_MET };
  }
  work.logger.info('New certificate attached and recorded', { newCertificateId, oldCertificateId: request.principal });
  if (!(await rotationInProgress(clients, request, ctx.settings.jobDocument, work))) {
    work.logger.warn('Job execution ended while the certificate was attached', { newCertificateId });
    return { ok: false, errorMsg: PRECONDITIONS_NOT_MET };
  }
  return { ok: true };
}

async function undo(thingName: string, issued: IssuedCertificate, progress: Progress, ctx: InstallContext): Promise<void> {
  const { clients, full } = ctx;
  await retireCertificate(
    clients.iot,
    { certificateId: issued.certificateId, certificateArn: issued.certificateArn, status: 'ACTIVE' },
    { ...(progress.attachedToThing ? { thingName } : {}), detachPolicies: progress.policiesAttached },
    full,
  );
  if (progress.shadowWritten) {
    try {
      await deleteShadow(await clients.iotData(full), { thingName, shadowName: ctx.settings.shadowName }, full);
    } catch (error) {
      // The terminal function may already have deleted it.
      if (!isNamed(error, 'ResourceNotFoundException')) throw error;
    }
  }
}
