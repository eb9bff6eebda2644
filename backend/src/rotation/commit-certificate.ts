import { HandlerClients } from '../aws/clients.js';
import { rotationInProgress } from '../aws/job-execution.js';
import { readShadow, recordsJob, reportProgress, rotationRecordOf, type RotationRecord } from '../aws/rotation-shadow.js';
import { certificateIds, exclusivePrincipals } from '../aws/thing-principals.js';
import { commitRequestSchema, type CommitRequest } from '../events/device-requests.js';
import type { Invocation } from '../runtime/invocation.js';
import { RetryBudgetExhaustedError } from '../runtime/retry.js';
import { deviceRequestHandler, rejectedWith, type RotationHandler } from './device-request.js';
import { backendResourceNames } from '../../../shared/contract/index.js';
import { prepareHandler, type HandlerSettings } from './handler-settings.js';
import { PRECONDITIONS_NOT_MET } from './messages.js';

export type CommitCertificateSettings = HandlerSettings;

export function createCommitCertificateHandler(settings: CommitCertificateSettings): RotationHandler {
  const base = prepareHandler(settings, {
    label: 'commit-certificate',
    serviceName: backendResourceNames().functions.commitCertificate,
    defaultBudgetMs: 10_000,
  });
  return deviceRequestHandler(base, {
    kind: 'commit',
    schema: commitRequestSchema,
    handle: async (request, invocation) => {
      const errorMsg = await commitCertificate(request, base.clients, settings, invocation);
      return errorMsg === undefined ? { accepted: true, body: {} } : rejectedWith(errorMsg);
    },
  });
}

/** Undefined when committed, else the device's rejection message. */
async function commitCertificate(
  request: CommitRequest,
  clients: HandlerClients,
  settings: CommitCertificateSettings,
  invocation: Invocation,
): Promise<string | undefined> {
  const shadow = { thingName: request.thingName, shadowName: settings.shadowName };
  const record = await readRecord(clients, shadow, invocation);
  const principals = await exclusivePrincipals(clients.iot, request.thingName, invocation);
  const problem = await unmetPrecondition(request, record, principals, clients, settings, invocation);
  if (problem !== undefined) {
    invocation.logger.warn(PRECONDITIONS_NOT_MET, { problem });
    return PRECONDITIONS_NOT_MET;
  }
  await reportProgress(await clients.iotData(invocation), shadow, { progress: 'committed' }, invocation);
  invocation.logger.info('Rotation committed', { newCertificateId: record?.newCertificateId, oldCertificateId: record?.oldCertificateId });
  return undefined;
}

/** The rotation record the create function wrote; a missing or malformed shadow has none. */
async function readRecord(
  clients: HandlerClients,
  shadow: { thingName: string; shadowName: string },
  invocation: Invocation,
): Promise<RotationRecord | undefined> {
  try {
    return rotationRecordOf(await readShadow(await clients.iotData(invocation), shadow, invocation));
  } catch (error) {
    if (error instanceof RetryBudgetExhaustedError) throw error;
    invocation.logger.warn('No valid shadow for this thing', { error });
    return undefined;
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
  if (!recordsJob(record, request.jobId)) return 'shadow records the rotation of another job';
  const ids = certificateIds(principals, 2);
  if (ids === undefined) return `expected two certificate principals, found ${principals.length} principal(s)`;
  if (request.principal !== record.newCertificateId) return 'connection did not use the new certificate';
  if (!ids.includes(request.principal)) return 'new certificate is not attached to the thing';
  return undefined;
}
