import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AwsModel } from '../aws-model.js';
import { isAwsError } from '../errors.js';
import { cryptoProvider } from './keys.js';
import * as x509 from './x509.js';

/** A CSR asking for more than a client certificate: another subject, a SAN, CA:TRUE, keyCertSign. */
async function greedyCsr(modulusLength?: number): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey(
    modulusLength
      ? { name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['sign', 'verify'],
  )) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: 'CN=core-2, O=Evil Corp, OU=admin',
      keys,
      signingAlgorithm: modulusLength ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'evil.example' }]),
        new x509.BasicConstraintsExtension(true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign),
      ],
    },
    cryptoProvider,
  );
  return csr.toString('pem');
}

const facts = (pem: string) => {
  const certificate = new x509.X509Certificate(pem);
  return {
    subject: certificate.subject,
    ca: certificate.getExtension(x509.BasicConstraintsExtension)?.ca ?? false,
    san: certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.items.map((n) => n.value) ?? [],
    keyUsage: certificate.getExtension(x509.KeyUsagesExtension)?.usages,
    eku: certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [],
  };
};

describe('what the CAs take from a CSR', () => {
  it("AWS IoT's CreateCertificateFromCsr keeps the CSR's subject and none of its extensions", async () => {
    const model = await AwsModel.create();
    const issued = await model.registry.createCertificateFromCsr(await greedyCsr(), true);
    expect(facts(issued.certificatePem)).toEqual({
      subject: 'CN=core-2, O=Evil Corp, OU=admin',
      ca: false,
      san: [],
      keyUsage: x509.KeyUsageFlags.digitalSignature,
      eku: [x509.ExtendedKeyUsage.clientAuth],
    });
  });

  it('AWS IoT refuses a CSR for an RSA key shorter than 2048 bits', async () => {
    const model = await AwsModel.create();
    const error = await model.registry.createCertificateFromCsr(await greedyCsr(1024), true).catch((e: unknown) => e);
    expect(isAwsError(error, 'InvalidRequestException')).toBe(true);
  });

  async function issueWithPca(templateArn?: string, apiPassthrough?: object) {
    const model = await AwsModel.create({ pcaIssuanceDelayMs: 0 });
    const { certificateAuthorityArn } = await model.privateCa.createCertificateAuthority({ keyAlgorithm: 'EC_prime256v1' });
    const { certificateArn } = await model.privateCa.issueCertificate({
      certificateAuthorityArn,
      csr: await greedyCsr(),
      signingAlgorithm: 'SHA256WITHECDSA',
      validity: { value: 1, type: 'DAYS' },
      ...(templateArn ? { templateArn } : {}),
      ...(apiPassthrough ? { apiPassthrough } : {}),
    });
    return expect.poll(() => {
      try {
        return facts(model.privateCa.getCertificate({ certificateAuthorityArn, certificateArn }).certificate);
      } catch {
        return undefined;
      }
    });
  }

  it("Private CA's default template copies the CSR's subject and names, and sets its own usages", async () => {
    await (
      await issueWithPca()
    ).toEqual({
      subject: 'CN=core-2, O=Evil Corp, OU=admin',
      ca: false,
      san: ['evil.example'],
      keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      eku: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    });
  });

  it('Private CA with an APIPassthrough template takes the subject and usages from the request', async () => {
    await (
      await issueWithPca('arn:aws:acm-pca:::template/BlankEndEntityCertificate_APIPassthrough/V1', {
        Subject: { CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'core-1' }] },
        Extensions: { KeyUsage: { DigitalSignature: true }, ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'CLIENT_AUTH' }] },
      })
    ).toEqual({
      subject: 'CN=core-1',
      ca: false,
      san: ['evil.example'],
      keyUsage: x509.KeyUsageFlags.digitalSignature,
      eku: [x509.ExtendedKeyUsage.clientAuth],
    });
  });
});
