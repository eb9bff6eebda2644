import { webcrypto } from 'node:crypto';
import { currentCertificate, csrPem, keyPair, x509 } from './csr-fixture.js';

/**
 * One real rotation's credentials, made once per test file: the thing's current certificate, a
 * CSR for a new key with the same subject, the certificate a CA issues for it, and that CA.
 */
const crypto = webcrypto as unknown as NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
const SUBJECT = 'CN=core-1';

const current = await currentCertificate(SUBJECT);
const newKeys = await keyPair();
const caKeys = await keyPair();
const ca = await x509.X509CertificateGenerator.createSelfSigned(
  {
    serialNumber: '0a',
    name: 'CN=Test Issuing CA',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys: caKeys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  },
  crypto,
);
const issued = await x509.X509CertificateGenerator.create(
  {
    serialNumber: '0b',
    subject: SUBJECT,
    issuer: ca.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey: newKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
  },
  crypto,
);

export const OLD_PEM = current.pem;
export const CSR = await csrPem({ subject: SUBJECT, keys: newKeys });
export const NEW_PEM = issued.toString('pem');
export const CA_PEM = ca.toString('pem');
