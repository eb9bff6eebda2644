import type { NameAttribute } from '../certificates/distinguished-name.js';
import type { Invocation } from '../runtime/invocation.js';

/** A certificate that is registered in AWS IoT and ACTIVE, ready to attach to a thing. */
export interface IssuedCertificate {
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
  /**
   * The issuing CA's chain (PEM, issuer first), when the issuer hands it out: Private CA's
   * GetCertificate does; AWS IoT Core's CreateCertificateFromCsr does not.
   */
  certificateChainPem?: string;
}

/** What to issue: the device's checked CSR, and the subject the backend decided on. */
export interface IssueRequest {
  csrPem: string;
  /** The thing's current subject, which the CSR was checked to repeat. */
  subject: NameAttribute[];
}

/** Signs a device's CSR and registers the result in AWS IoT. The handlers know nothing else of it. */
export interface CertificateIssuer {
  issue(request: IssueRequest): Promise<IssuedCertificate>;
}

/**
 * Built once per handler instance (it owns its clients); binds an issuer to one invocation so the
 * issuer's AWS calls share that invocation's time budget and logger.
 */
export type CertificateIssuerFactory = (invocation: Invocation) => CertificateIssuer;
