import { HandlerClients } from '../aws/clients.js';
import { rotationInProgress } from '../aws/job-execution.js';
import { createdAtOf, readShadow, reportProgress, rotationRecordOf, type RotationRecord } from '../aws/rotation-shadow.js';
import { certificateIds, exclusiveArns, exclusivePrincipals, type ThingPrincipal } from '../aws/thing-principals.js';
import { commitRequestSchema, type CommitRequest } from '../events/device-requests.js';
import type { Invocation } from '../runtime/invocation.js';
import { RetryBudgetExhaustedError } from '../runtime/retry.js';
import { deviceRequestHandler, rejectedWith, type RotationHandler } from './device-request.js';
import { backendResourceNames } from '../../../shared/contract/index.js';
import { rejectionReason, type RotationMetrics } from '../metrics/rotation-metrics.js';
import { prepareHandler, type HandlerSettings } from './handler-settings.js';
import { PRECONDITIONS_NOT_MET } from './messages.js';

export type CommitCertificateSettings = HandlerSettings;

export function createCommitCertificateHandler(settings: CommitCertificateSettings): RotationHandler {
  const base = prepareHandler(settings, {
    label: 'commit-certificate',
    serviceName: backendResourceNames().functions.commitCertificate,
    defaultBudgetMs: 25_000,
  });
  return deviceRequestHandler(base, {
    kind: 'commit',
    schema: commitRequestSchema,
    handle: async (request, invocation, _start, listed) => {
      const problem = await commitCertificate(request, base.clients, settings, invocation, base, listed);
      return problem === undefined ? { accepted: true, body: {} } : rejectedWith(PRECONDITIONS_NOT_MET, rejectionReason(problem));
    },
  });
}

/** Undefined when committed, else the first precondition that failed (the device is told only that one did). */
async function commitCertificate(
  request: CommitRequest,
  clients: HandlerClients,
  settings: CommitCertificateSettings,
  invocation: Invocation,
  measure: { metrics: RotationMetrics; now: () => number },
  /** The thing's principals as the sender check listed them, when it did. */
  listed?: readonly ThingPrincipal[],
): Promise<string | undefined> {
  const shadow = { thingName: request.thingName, shadowName: settings.shadowName };
  const { record, createdAt } = await readRecord(clients, shadow, invocation);
  const principals = listed === undefined ? await exclusivePrincipals(clients.iot, request.thingName, invocation) : exclusiveArns(listed);
  const problem = await unmetPrecondition(request, record, principals, clients, settings, invocation);
  if (problem !== undefined) {
    invocation.logger.warn(PRECONDITIONS_NOT_MET, { problem });
    return problem;
  }
  await reportProgress(await clients.iotData(invocation), shadow, { progress: 'committed' }, invocation);
  // Timed once, on the first commit: a repeated one is a core restarting, not a rotation.
  const seconds = createdAt === undefined ? undefined : measure.now() / 1000 - createdAt;
  if (record?.progress === 'created' && seconds !== undefined && seconds >= 0) measure.metrics.seconds('CreateToCommitSeconds', seconds);
  invocation.logger.info('Rotation committed', { newCertificateId: record?.newCertificateId, oldCertificateId: record?.oldCertificateId });
  return undefined;
}

/** The rotation record the create function wrote, and when; a missing or malformed shadow has none. */
async function readRecord(
  clients: HandlerClients,
  shadow: { thingName: string; shadowName: string },
  invocation: Invocation,
): Promise<{ record?: RotationRecord; createdAt?: number }> {
  try {
    const document = await readShadow(await clients.iotData(invocation), shadow, invocation);
    const record = rotationRecordOf(document);
    const createdAt = createdAtOf(document);
    return { ...(record === undefined ? {} : { record }), ...(createdAt === undefined ? {} : { createdAt }) };
  } catch (error) {
    if (error instanceof RetryBudgetExhaustedError) throw error;
    invocation.logger.warn('No valid shadow for this thing', { error });
    return {};
  }
}

/** The original's checks, in its order. */
async function unmetPrecondition(
  request: CommitRequest,
  record: RotationRecord | undefined,
  principals: string[],
  clients: HandlerClients,
  settings: CommitCertificateSettings,
  invocation: Invocation,
): Promise<string | undefined> {
  if (!(await rotationInProgress(clients, request, settings.jobDocument, invocation))) {
    return 'no IN_PROGRESS rotation job execution';
  }
  // A repeated commit is accepted (better than the original, which refused it): a core that lost
  // power after its commit was accepted but before it removed its backup commits again after the
  // restart. The checks below still require that it connected with the new certificate.
  if (record === undefined || (record.progress !== 'created' && record.progress !== 'committed')) {
    return 'shadow does not record a created certificate';
  }
  if (record.jobId !== undefined && record.jobId !== request.jobId) return `shadow records the rotation of job ${record.jobId}`;
  const ids = certificateIds(principals, 2);
  if (ids === undefined) return `expected two certificate principals, found ${principals.length} principal(s)`;
  if (request.principal !== record.newCertificateId) return 'connection did not use the new certificate';
  if (!ids.includes(request.principal)) return 'new certificate is not attached to the thing';
  return undefined;
}
