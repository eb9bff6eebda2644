import { HandlerClients } from '../aws/clients.js';
import { describeError } from '../aws/errors.js';
import { rotationInProgress } from '../aws/job-execution.js';
import {
  exclusiveArns,
  exclusivePrincipals,
  soleCertificate,
  type CertificatePrincipal,
  type ThingPrincipal,
} from '../aws/thing-principals.js';
import { createRequestSchema, type CreateRequest } from '../events/device-requests.js';
import type { CertificateIssuerFactory } from '../issuers/certificate-issuer.js';
import { IOT_CORE_ISSUER, type IssuerSelector, type IssuerSettings } from '../issuers/issuer-settings.js';
import type { Invocation } from '../runtime/invocation.js';
import { atMost, reserving } from '../runtime/time-budget.js';
import { DEVICE_WAIT_MS, deviceRequestHandler, rejectedWith, type DeviceReply, type RotationHandler } from './device-request.js';
import { backendResourceNames } from '../../../shared/contract/index.js';
import { prepareHandler, type HandlerSettings } from './handler-settings.js';
import { installCertificate } from './install-certificate.js';
import { settleEarlierRotation } from './settle-earlier-rotation.js';
import { inspectCsr } from '../certificates/csr-policy.js';
import { issuedCertificateProblem } from '../certificates/issued-certificate.js';
import { retireCertificate } from '../aws/certificate-retirement.js';
import { claimRotation } from '../aws/rotation-claim.js';
import { certificatePemOf } from '../aws/certificates.js';
import { issuerFailed, PRECONDITIONS_NOT_MET } from './messages.js';
import { rejectionReason } from '../metrics/rotation-metrics.js';

export type { RotationHandler } from './device-request.js';

export interface CreateCertificateSettings extends HandlerSettings {
  /** Who signs; the handler passes it to the issuer without looking inside. Default AWS IoT Core. */
  issuer?: IssuerSettings;
  /**
   * Kept back from the main work so that a certificate issued moments before the budget ran out
   * can still be removed again. Default 5 s.
   */
  cleanupReserveMs?: number;
}

/** The create handler with the issuers `selectIssuer` knows; create-certificate-handler.ts binds all of them. */
export function createCertificateHandlerWith(selectIssuer: IssuerSelector, settings: CreateCertificateSettings): RotationHandler {
  const base = prepareHandler(settings, {
    label: 'create-certificate',
    serviceName: backendResourceNames().functions.createCertificate,
    defaultBudgetMs: 60_000,
  });
  const clients = base.clients;
  const issuer = selectIssuer(clients.iot, settings.clientConfig, settings.issuer ?? IOT_CORE_ISSUER);
  const cleanupReserveMs = settings.cleanupReserveMs ?? 5_000;

  return deviceRequestHandler(base, {
    kind: 'create',
    schema: createRequestSchema,
    handle: async (request, full, start, listed) => {
      const work = full.withBudget(reserving(start.budget, cleanupReserveMs));
      const checks = full.withBudget(atMost(work.budget, DEVICE_WAIT_MS, base.now));
      return createCertificate(request, { clients, issuer, settings, work, checks, full }, listed);
    },
  });
}

interface CreateContext {
  clients: HandlerClients;
  issuer: CertificateIssuerFactory;
  settings: CreateCertificateSettings;
  /** For the main path; leaves a reserve. */
  work: Invocation;
  /** For the checks before the certificate is issued: they end while the device still waits. */
  checks: Invocation;
  /** The whole budget, for clean-up and the reply. */
  full: Invocation;
}

async function createCertificate(request: CreateRequest, ctx: CreateContext, listed?: readonly ThingPrincipal[]): Promise<DeviceReply> {
  const { clients, work, checks } = ctx;
  const exclusive = listed === undefined ? await exclusivePrincipals(clients.iot, request.thingName, checks) : exclusiveArns(listed);
  const principals = await settleEarlierRotation(request, exclusive, { ...ctx, work });
  const checked = await checkPreconditions(request, principals, ctx);
  if (!checked.met) {
    work.logger.warn(PRECONDITIONS_NOT_MET, { problem: checked.problem });
    return rejectedWith(PRECONDITIONS_NOT_MET, rejectionReason(checked.problem));
  }
  const verdict = inspectCsr(request.csr, await certificatePemOf(clients.iot, request.principal, checks));
  if (!verdict.ok) {
    work.logger.warn('CSR refused', { problem: verdict.problem });
    return rejectedWith(verdict.problem, 'CsrRefused');
  }
  const shadow = { thingName: request.thingName, shadowName: ctx.settings.shadowName };
  const claim = await claimRotation(
    await clients.iotData(checks),
    shadow,
    { jobId: request.jobId, oldCertificateId: request.principal },
    checks,
  );
  if (!claim.ok) {
    work.logger.warn('Refused a second certificate for this job execution', { problem: claim.reason });
    return rejectedWith(`${PRECONDITIONS_NOT_MET}: ${claim.reason}`, 'SecondCertificate');
  }
  let issued;
  try {
    issued = await ctx.issuer(work).issue({ csrPem: request.csr, subject: verdict.subject });
  } catch (error) {
    work.logger.error('Issuer failed', { error });
    return rejectedWith(issuerFailed(describeError(error)), 'IssuerFailed');
  }
  work.logger.info('Certificate issued', { newCertificateId: issued.certificateId });
  const wrong = issuedCertificateProblem(issued, request.csr, verdict.subject);
  if (wrong !== undefined) {
    work.logger.error('The issuer returned a certificate other than the one asked for; removing it', { problem: wrong });
    await retireCertificate(clients.iot, { ...issued, status: 'ACTIVE' }, { detachPolicies: false }, ctx.full);
    return rejectedWith(issuerFailed(wrong), 'IssuerFailed');
  }
  const installed = await installCertificate(request, issued, checked.oldCertificate.arn, claim.version, ctx);
  return installed.ok
    ? { accepted: true, body: { certificatePem: issued.certificatePem } }
    : rejectedWith(installed.errorMsg, 'InstallFailed');
}

/** Met: the thing's one certificate, the one the device connected with. Else the first check that failed. */
type Preconditions = { met: true; oldCertificate: CertificatePrincipal } | { met: false; problem: string };

/** The original's checks, in its order; the first that fails is named in the log. */
async function checkPreconditions(request: CreateRequest, principals: string[], ctx: CreateContext): Promise<Preconditions> {
  const unmet = (problem: string): Preconditions => ({ met: false, problem });
  if (!(await rotationInProgress(ctx.clients, request, ctx.settings.jobDocument, ctx.checks))) {
    return unmet('no IN_PROGRESS rotation job execution');
  }
  const attached = soleCertificate(principals);
  if (attached === undefined) return unmet(`expected one certificate principal, found ${principals.length} principal(s)`);
  if (attached.id !== request.principal) return unmet('connection did not use the certificate attached to the thing');
  return { met: true, oldCertificate: attached };
}
