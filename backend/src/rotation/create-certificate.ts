import { type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { HandlerClients } from '../aws/clients.js';
import { describeError } from '../aws/errors.js';
import { rotationInProgress } from '../aws/job-execution.js';
import { publishReply } from '../aws/replies.js';
import { certificateIds, exclusivePrincipals } from '../aws/thing-principals.js';
import { createRequestSchema, parseRequest, type CreateRequest } from '../events/device-requests.js';
import type { CertificateIssuerFactory } from '../issuers/certificate-issuer.js';
import type { PrivateCaSettings } from '../issuers/private-ca-issuer.js';
import { selectIssuer } from '../issuers/select-issuer.js';
import type { Invocation } from '../runtime/invocation.js';
import type { InvocationContext } from '../runtime/time-budget.js';
import { reserving } from '../runtime/time-budget.js';
import { backendResourceNames, replyTopic } from '../../../shared/contract/index.js';
import { prepareHandler, type HandlerSettings } from './handler-settings.js';
import { installCertificate } from './install-certificate.js';
import { rejectInvalidRequest } from './invalid-request.js';
import { settleEarlierRotation } from './settle-earlier-rotation.js';
import { issuerFailed, PRECONDITIONS_NOT_MET } from './messages.js';

export interface CreateCertificateSettings extends HandlerSettings {
  /** Issue with this AWS Private CA; absent = AWS IoT Core issues. */
  pca?: PrivateCaSettings;
  /**
   * Kept back from the main work so that a certificate issued moments before the budget ran out
   * can still be removed again. Default 5 s.
   */
  cleanupReserveMs?: number;
}

export type RotationHandler = (event: unknown, context?: InvocationContext) => Promise<void>;

/** The reply a device gets on `.../create/accepted` or `.../create/rejected`. */
export type CreateReply = { accepted: true; certificatePem: string } | { accepted: false; errorMsg: string };

const rejected = (errorMsg: string): CreateReply => ({ accepted: false, errorMsg });

export function createCreateCertificateHandler(settings: CreateCertificateSettings): RotationHandler {
  const base = prepareHandler(settings, {
    label: 'create-certificate',
    serviceName: backendResourceNames().functions.createCertificate,
    defaultBudgetMs: 60_000,
  });
  const clients = base.clients;
  const issuer = selectIssuer(clients.iot, settings.clientConfig, settings.pca);
  const cleanupReserveMs = settings.cleanupReserveMs ?? 5_000;

  return async (event, context) => {
    const start = base.begin(context);
    const parsed = parseRequest(createRequestSchema, event);
    if (!parsed.ok) {
      await rejectInvalidRequest('create', parsed, clients, start);
      return;
    }
    const request = parsed.request;
    const full = start.invocation({ thingName: request.thingName, jobId: request.jobId });
    full.logger.info('Create certificate request', { principal: request.principal, clientId: request.clientId });
    const work = full.withBudget(reserving(start.budget, cleanupReserveMs));
    let outcome: CreateReply;
    try {
      outcome = await createCertificate(request, { clients, issuer, settings, work, full });
    } catch (error) {
      full.logger.error('Create certificate failed', { error });
      outcome = rejected(describeError(error));
    }
    await reply(await clients.iotData(full), request.thingName, outcome, full);
  };
}

interface CreateContext {
  clients: HandlerClients;
  issuer: CertificateIssuerFactory;
  settings: CreateCertificateSettings;
  /** For the main path; leaves a reserve. */
  work: Invocation;
  /** The whole budget, for clean-up and the reply. */
  full: Invocation;
}

async function createCertificate(request: CreateRequest, ctx: CreateContext): Promise<CreateReply> {
  const { clients, work } = ctx;
  const principals = await settleEarlierRotation(request, await exclusivePrincipals(clients.iot, request.thingName, work), { ...ctx, work });
  const problem = await unmetPrecondition(request, principals, ctx);
  if (problem !== undefined) {
    work.logger.warn(PRECONDITIONS_NOT_MET, { problem });
    return rejected(PRECONDITIONS_NOT_MET);
  }
  let issued;
  try {
    issued = await ctx.issuer(work).issue(request.csr);
  } catch (error) {
    work.logger.error('Issuer failed', { error });
    return rejected(issuerFailed(describeError(error)));
  }
  work.logger.info('Certificate issued', { newCertificateId: issued.certificateId });
  // Checked above: exactly one principal and it is a certificate.
  const oldCertificateArn = principals[0] ?? '';
  const installed = await installCertificate(request, issued, oldCertificateArn, ctx);
  return installed.ok ? { accepted: true, certificatePem: issued.certificatePem } : rejected(installed.errorMsg);
}

/** The original's checks, in its order; the first that fails is named in the log. */
async function unmetPrecondition(request: CreateRequest, principals: string[], ctx: CreateContext): Promise<string | undefined> {
  if (!(await rotationInProgress(ctx.clients, request, ctx.settings.jobDocument, ctx.work))) {
    return 'no IN_PROGRESS rotation job execution';
  }
  const ids = certificateIds(principals, 1);
  if (ids === undefined) return `expected one certificate principal, found ${principals.length} principal(s)`;
  if (ids[0] !== request.principal) return 'connection did not use the certificate attached to the thing';
  if (!request.clientId.startsWith(request.thingName)) return 'client id does not start with the thing name';
  return undefined;
}

async function reply(iotData: IoTDataPlaneClient, thingName: string, outcome: CreateReply, invocation: Invocation): Promise<void> {
  if (outcome.accepted) {
    await publishReply(iotData, replyTopic('create', thingName, 'accepted'), { certificatePem: outcome.certificatePem }, invocation);
  } else {
    await publishReply(iotData, replyTopic('create', thingName, 'rejected'), { errorMsg: outcome.errorMsg }, invocation);
  }
}
