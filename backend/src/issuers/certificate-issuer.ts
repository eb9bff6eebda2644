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

/** Signs a device's CSR and registers the result in AWS IoT. The handlers know nothing else of it. */
export interface CertificateIssuer {
  issue(csrPem: string): Promise<IssuedCertificate>;
}

/**
 * Built once per handler instance (it owns its clients); binds an issuer to one invocation so the
 * issuer's AWS calls share that invocation's time budget and logger.
 */
export type CertificateIssuerFactory = (invocation: Invocation) => CertificateIssuer;
