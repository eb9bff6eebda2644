import { X509Certificate } from 'node:crypto';

/** One symbol for every copy of this module: `Symbol.for` names it in the process-wide registry. */
const REFUSED = Symbol.for('aws.greengrass.labs.CertificateRotator.CertificateRefused');

/**
 * Thrown by a store's rotate() when the certificate offered is not one this rotation can have
 * been issued (so the create/accepted reply did not come from the backend for this request);
 * nothing has been written.
 */
export class CertificateRefusedError extends Error {
  override readonly name = 'CertificateRefusedError';
  readonly [REFUSED] = true;

  // The PKCS#11 store is bundled apart from main.cjs (pkcs11.cjs) with its own copy of this class,
  // so `instanceof` asks for the mark, which both copies set, rather than for the constructor.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [REFUSED]?: unknown })[REFUSED] === true;
  }
}

/**
 * Why the offered certificate cannot be this rotation's, or undefined when it can: the backend
 * issues a client certificate with the current certificate's subject, valid now, for the pending
 * key (the key check is the store's, which holds the key).
 */
export function newCertificateRefusal(offered: X509Certificate, current: string | Buffer, now: Date): string | undefined {
  let installed: X509Certificate;
  try {
    installed = new X509Certificate(current);
  } catch {
    // Without a readable current certificate the subject cannot be compared; the key check still runs.
    return undefined;
  }
  if (offered.fingerprint256 === installed.fingerprint256) return 'it is the certificate already installed';
  if (offered.ca) return 'it is a CA certificate';
  if (offered.subject !== installed.subject)
    return `its subject "${offered.subject}" is not the current certificate's "${installed.subject}"`;
  if (now < new Date(offered.validFrom) || now > new Date(offered.validTo))
    return `it is not valid now (${offered.validFrom} to ${offered.validTo})`;
  return undefined;
}
