import { randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '../../../src/crypto/x509.js';

// The library's types name the DOM `Crypto`, which this Node project does not load.
type ProviderCrypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
const crypto = webcrypto as unknown as ProviderCrypto;
const CA_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A throw-away certificate authority that issues device certificates, as AWS IoT would. */
export interface TestCa {
  certificatePem: string;
  /** Issues a certificate for the CSR's public key and subject (the signature is checked first). */
  issueForCsr(csrPem: string): Promise<string>;
  /** Issues a certificate for a public key with the given subject (a DN string, `+` joins a multi-valued RDN). */
  issueForKey(publicKey: KeyObject, subject: string): Promise<string>;
}

function serialNumber(): string {
  // Positive and at least 16 bytes, like AWS IoT's serial numbers.
  return `01${randomBytes(16).toString('hex')}`;
}

export async function createTestCa(): Promise<TestCa> {
  const keys = await webcrypto.subtle.generateKey(CA_ALGORITHM, false, ['sign', 'verify']);
  const caName = 'CN=Test Device CA, O=Example Corp';
  const caCertificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: caName,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      keys,
      signingAlgorithm: CA_ALGORITHM,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    },
    crypto,
  );
  const issue = async (spki: ArrayBuffer | Uint8Array, subject: string | x509.Name): Promise<string> => {
    const certificate = await x509.X509CertificateGenerator.create(
      {
        serialNumber: serialNumber(),
        subject,
        issuer: caCertificate.subject,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        publicKey: spki,
        signingKey: keys.privateKey,
        signingAlgorithm: CA_ALGORITHM,
      },
      crypto,
    );
    return certificate.toString('pem');
  };
  return {
    certificatePem: caCertificate.toString('pem'),
    issueForCsr: async (csrPem) => {
      const csr = new x509.Pkcs10CertificateRequest(csrPem);
      if (!(await csr.verify(crypto))) throw new Error('CSR signature does not verify');
      return issue(csr.publicKey.rawData, csr.subjectName);
    },
    issueForKey: async (publicKey, subject) => issue(publicKey.export({ type: 'spki', format: 'der' }), subject),
  };
}
