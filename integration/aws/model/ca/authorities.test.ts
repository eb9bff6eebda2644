import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeCsr, signatureAlgorithmOf, tamperCsr } from '../../../test/support/aws/csr.js';
import { AwsModel } from '../aws-model.js';
import { ManualClock } from '../clock.js';
import { isAwsError } from '../errors.js';
import { certificateIdOf } from '../registry/certificates.js';

describe('CreateCertificateFromCsr (AWS IoT issuer)', () => {
  it.each(['RSA-PKCS1', 'RSA-PSS', 'EC-P384', 'EC-P521'] as const)(
    'signs a %s CSR with SHA256WITHRSA as "Amazon Web Services", keeping the CSR key and subject',
    async (kind) => {
      const model = await AwsModel.create();
      const csr = await makeCsr(kind, 'CN=thing-7');
      const issued = await model.registry.createCertificateFromCsr(csr, true);
      const certificate = new X509Certificate(issued.certificatePem);
      expect(signatureAlgorithmOf(issued.certificatePem)).toEqual({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' });
      expect(certificate.issuer).toContain('Amazon Web Services');
      expect(certificate.subject).toBe('CN=thing-7');
      expect(certificate.publicKey.asymmetricKeyType).toBe(kind.startsWith('EC') ? 'ec' : 'rsa');
      expect(certificate.checkIssued(new X509Certificate(model.authorities.awsIot.certificatePem))).toBe(true);
      expect(issued.certificateId).toBe(certificateIdOf(issued.certificatePem));
      expect(issued.certificateArn).toBe(`arn:aws:iot:us-east-1:123456789012:cert/${issued.certificateId}`);
      expect(model.registry.describeCertificate(issued.certificateId).status).toBe('ACTIVE');
    },
  );

  it('refuses a CSR whose signature does not verify, registering nothing', async () => {
    const model = await AwsModel.create();
    const bad = tamperCsr(await makeCsr('EC-P256'));
    const error = await model.registry.createCertificateFromCsr(bad, true).catch((e: unknown) => e);
    expect(isAwsError(error, 'InvalidRequestException')).toBe(true);
    expect(model.registry.certificates.listCertificates()).toHaveLength(0);
  });
});

describe('ACM Private CA', () => {
  const cases = [
    ['RSA_2048', 'SHA256WITHRSA', 'RSASSA-PKCS1-v1_5', 'SHA-256'],
    ['RSA_2048', 'SHA384WITHRSA', 'RSASSA-PKCS1-v1_5', 'SHA-384'],
    ['RSA_2048', 'SHA512WITHRSA', 'RSASSA-PKCS1-v1_5', 'SHA-512'],
    ['EC_prime256v1', 'SHA256WITHECDSA', 'ECDSA', 'SHA-256'],
    ['EC_secp384r1', 'SHA384WITHECDSA', 'ECDSA', 'SHA-384'],
    ['EC_prime256v1', 'SHA512WITHECDSA', 'ECDSA', 'SHA-512'],
  ] as const;

  it.each(cases)('a %s CA issues with %s and the requested validity', async (keyAlgorithm, signingAlgorithm, name, hash) => {
    const clock = new ManualClock(Date.now());
    const model = await AwsModel.create({ clock, pcaIssuanceDelayMs: 1000 });
    const { certificateAuthorityArn } = await model.privateCa.createCertificateAuthority({ keyAlgorithm, id: 'ca-1' });
    expect(certificateAuthorityArn).toBe('arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/ca-1');
    const { certificateArn } = await model.privateCa.issueCertificate({
      certificateAuthorityArn,
      csr: await makeCsr('RSA-PKCS1'),
      signingAlgorithm,
      validity: { value: 7, type: 'DAYS' },
    });
    expect(() => model.privateCa.getCertificate({ certificateAuthorityArn, certificateArn })).toThrow(
      expect.objectContaining({ code: 'RequestInProgressException' }),
    );
    clock.advance(1000);
    // Signing runs on the event loop: the certificate is ready once it is signed and the delay has passed.
    const ready = () => {
      try {
        return model.privateCa.getCertificate({ certificateAuthorityArn, certificateArn });
      } catch (error) {
        if (isAwsError(error, 'RequestInProgressException')) return undefined;
        throw error;
      }
    };
    await expect.poll(ready, { message: 'the certificate to be issued' }).toBeDefined();
    const { certificate, certificateChain } = model.privateCa.getCertificate({ certificateAuthorityArn, certificateArn });
    expect(signatureAlgorithmOf(certificate)).toEqual({ name, hash });
    const parsed = new X509Certificate(certificate);
    expect(parsed.checkIssued(new X509Certificate(certificateChain))).toBe(true);
    expect(parsed.issuer).not.toContain('Amazon');
    const days = (Date.parse(parsed.validTo) - clock.now()) / 86_400_000;
    expect(Math.round(days)).toBe(7);
  });

  it('refuses a signing algorithm of the other key family with ValidationException', async () => {
    const model = await AwsModel.create();
    const { certificateAuthorityArn } = await model.privateCa.createCertificateAuthority({ keyAlgorithm: 'RSA_2048' });
    const error = await model.privateCa
      .issueCertificate({
        certificateAuthorityArn,
        csr: await makeCsr('EC-P256'),
        signingAlgorithm: 'SHA256WITHECDSA',
        validity: { value: 1, type: 'DAYS' },
      })
      .catch((e: unknown) => e);
    expect(isAwsError(error, 'ValidationException')).toBe(true);
  });

  it('refuses a CSR with a broken signature with MalformedCSRException', async () => {
    const model = await AwsModel.create();
    const { certificateAuthorityArn } = await model.privateCa.createCertificateAuthority({ keyAlgorithm: 'EC_prime256v1' });
    const error = await model.privateCa
      .issueCertificate({
        certificateAuthorityArn,
        csr: tamperCsr(await makeCsr('EC-P256')),
        signingAlgorithm: 'SHA256WITHECDSA',
        validity: { value: 1, type: 'DAYS' },
      })
      .catch((e: unknown) => e);
    expect(isAwsError(error, 'MalformedCSRException')).toBe(true);
  });

  it('answers ResourceNotFoundException for an unknown CA', async () => {
    const model = await AwsModel.create();
    expect(() =>
      model.privateCa.getCertificateAuthorityCertificate('arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/nope'),
    ).toThrow(expect.objectContaining({ code: 'ResourceNotFoundException' }));
  });
});
