import * as x509 from './x509.js';
import { cryptoProvider } from './keys.js';

export class InvalidCsrError extends Error {}

/** Parses a PEM (or DER) CSR and checks its self-signature, as AWS IoT and ACM PCA do. */
export async function parseVerifiedCsr(csr: string | Uint8Array): Promise<x509.Pkcs10CertificateRequest> {
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(typeof csr === 'string' ? csr.trim() : csr);
  } catch {
    throw new InvalidCsrError('The CSR cannot be parsed');
  }
  let valid = false;
  try {
    valid = await request.verify(cryptoProvider);
  } catch (error) {
    throw new InvalidCsrError(`The CSR signature cannot be verified: ${(error as Error).message}`);
  }
  if (!valid) throw new InvalidCsrError('The CSR signature is invalid');
  return request;
}
