import { createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { parseCertificationRequest, type CertificationRequest } from './certification-request.js';
import { requestedExtensionProblems } from './csr-extensions.js';
import { certificateSubject } from './certificate-subject.js';
import { formatName, sameName, type NameAttribute } from './distinguished-name.js';
import { sameKey } from './same-key.js';
import { signatureVerification } from './signature-verification.js';

/**
 * What the backend lets a CSR ask for. The certificate it issues says what the backend decides:
 * the thing's current subject, a client certificate, a new key. A CSR asking for anything else is
 * refused with a message that names what it asked for.
 */
export type CsrVerdict = { ok: true; subject: NameAttribute[] } | { ok: false; problem: string };

const refused = (problem: string): CsrVerdict => ({ ok: false, problem: `CSR refused: ${problem}` });

const CSR_PEM = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\s]+)-----END (?:NEW )?CERTIFICATE REQUEST-----/;

/** Key types AWS IoT's CreateCertificateFromCsr accepts, which are also the component's. */
function keyProblem(key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details?.modulusLength ?? 0;
    return bits >= 2048 && bits <= 4096 ? undefined : `an RSA key of ${bits} bits (RSA keys of 2048 to 4096 bits are accepted)`;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = details?.namedCurve ?? 'unknown';
    return ['prime256v1', 'secp384r1', 'secp521r1'].includes(curve)
      ? undefined
      : `an EC key on ${curve} (P-256, P-384 and P-521 are accepted)`;
  }
  return `a ${key.asymmetricKeyType ?? 'unknown'} key (RSA and EC keys are accepted)`;
}

function parseCsr(pem: string): CertificationRequest | string {
  if (pem.includes('-----BEGIN CERTIFICATE-----')) return 'it is a certificate, not a certificate signing request';
  const match = CSR_PEM.exec(pem);
  if (match?.[1] === undefined) return 'it is not a PEM certificate signing request';
  try {
    return parseCertificationRequest(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
  } catch {
    return 'it cannot be decoded as a PKCS#10 certificate signing request';
  }
}

/**
 * Checks a device's CSR against its current certificate: well formed and self-signed, a key type
 * AWS IoT accepts, a key other than the current one, the current subject, and no extension a
 * client certificate does not need.
 */
export function inspectCsr(csrPem: string, currentCertificatePem: string): CsrVerdict {
  const csr = parseCsr(csrPem);
  if (typeof csr === 'string') return refused(csr);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(csr.subjectPublicKeyInfo), format: 'der', type: 'spki' });
  } catch {
    return refused('its public key cannot be read');
  }
  const keyIssue = keyProblem(key);
  if (keyIssue !== undefined) return refused(`it holds ${keyIssue}`);
  const check = signatureVerification(csr.signatureAlgorithm, key);
  if (check === undefined) return refused(`its signature algorithm ${csr.signatureAlgorithm.algorithm} is not accepted`);
  if (!verify(check.digest, csr.signedBytes, check.options(key), csr.signature)) {
    return refused('its signature does not verify with its public key');
  }
  const current = new X509Certificate(currentCertificatePem);
  if (sameKey(current.publicKey, key)) {
    return refused("its public key is the current certificate's; a rotation must change the key");
  }
  const subject = csr.subject;
  const expected = certificateSubject(current);
  if (!sameName(subject, expected)) {
    return refused(`it asks for the subject ${formatName(subject)}; the certificate keeps the thing's subject ${formatName(expected)}`);
  }
  const extensionProblems = requestedExtensionProblems(csr.attributes);
  if (extensionProblems.length > 0) return refused(`it asks for ${extensionProblems.join('; ')}`);
  return { ok: true, subject: expected };
}
