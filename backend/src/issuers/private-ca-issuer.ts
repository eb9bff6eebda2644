import { ACMPCAClient, GetCertificateCommand, IssueCertificateCommand, type IssueCertificateCommandInput } from '@aws-sdk/client-acm-pca';
import type { NameAttribute } from '../certificates/distinguished-name.js';
import { RegisterCertificateWithoutCACommand, type IoTClient } from '@aws-sdk/client-iot';
import { isNamed } from '../aws/errors.js';
import type { Invocation } from '../runtime/invocation.js';
import type { PcaSigningAlgorithm } from './pca-signing-algorithms.js';
import type { CertificateIssuerFactory } from './certificate-issuer.js';

export interface PrivateCaSettings {
  caArn: string;
  validityInDays: number;
  signingAlgorithm: PcaSigningAlgorithm;
}

/**
 * The backend, not the CSR, decides what the certificate says. With an APIPassthrough template,
 * Private CA takes the subject and extensions from the request: the thing's subject, digital
 * signature, TLS client authentication, CA:FALSE (the template's). CSR extensions are not copied
 * (the template is not a CSR-passthrough one); the backend refuses CSRs that ask for any.
 */
export const CLIENT_CERTIFICATE_TEMPLATE = 'template/BlankEndEntityCertificate_APIPassthrough/V1';

function clientCertificateTemplate(caArn: string, subject: readonly NameAttribute[]): Pick<IssueCertificateCommandInput, 'TemplateArn' | 'ApiPassthrough'> {
  const partition = caArn.split(':')[1] ?? 'aws';
  return {
    TemplateArn: `arn:${partition}:acm-pca:::${CLIENT_CERTIFICATE_TEMPLATE}`,
    ApiPassthrough: {
      // Custom attributes keep the subject's attributes and their order exactly.
      ...(subject.length === 0 ? {} : { Subject: { CustomAttributes: subject.map((a) => ({ ObjectIdentifier: a.oid, Value: a.value })) } }),
      Extensions: { KeyUsage: { DigitalSignature: true }, ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'CLIENT_AUTH' }] },
    },
  };
}

/** Issuance is asynchronous: poll GetCertificate like the SDK's certificate-issued waiter. */
const POLL_DELAY_MS = 1_000;
const POLL_ATTEMPTS = 30;

/**
 * AWS Private CA signs the CSR; the certificate is then registered in AWS IoT without its CA, so
 * the CA need not be registered there.
 */
export function privateCaIssuer(iot: IoTClient, pca: ACMPCAClient, settings: PrivateCaSettings): CertificateIssuerFactory {
  return (invocation) => ({
    async issue({ csrPem, subject }) {
      const CertificateAuthorityArn = settings.caArn;
      invocation.logger.info('Using Private CA to create the certificate', { caArn: CertificateAuthorityArn });
      const issued = await invocation.call('IssueCertificate', () =>
        pca.send(
          new IssueCertificateCommand({
            CertificateAuthorityArn,
            Csr: new TextEncoder().encode(csrPem),
            SigningAlgorithm: settings.signingAlgorithm,
            Validity: { Value: settings.validityInDays, Type: 'DAYS' },
            ...clientCertificateTemplate(CertificateAuthorityArn, subject),
          }),
        ),
      );
      const CertificateArn = issued.CertificateArn;
      if (CertificateArn === undefined) throw new Error('IssueCertificate returned no certificate ARN');
      const { certificatePem, certificateChainPem } = await waitForCertificate(pca, { CertificateAuthorityArn, CertificateArn }, invocation);
      const registered = await invocation.call('RegisterCertificateWithoutCA', () =>
        iot.send(new RegisterCertificateWithoutCACommand({ certificatePem, status: 'ACTIVE' })),
      );
      const { certificateId, certificateArn } = registered;
      if (certificateId === undefined || certificateArn === undefined) {
        throw new Error('RegisterCertificateWithoutCA returned no certificate id');
      }
      return { certificateId, certificateArn, certificatePem, ...(certificateChainPem === undefined ? {} : { certificateChainPem }) };
    },
  });
}

async function waitForCertificate(
  pca: ACMPCAClient,
  ids: { CertificateAuthorityArn: string; CertificateArn: string },
  invocation: Invocation,
): Promise<{ certificatePem: string; certificateChainPem?: string }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const answer = await invocation.call('GetCertificate', () => pca.send(new GetCertificateCommand(ids)));
      if (answer.Certificate === undefined) throw new Error('GetCertificate returned no certificate');
      invocation.logger.info('Certificate is ready', { attempts: attempt });
      const chain = answer.CertificateChain;
      return { certificatePem: answer.Certificate, ...(chain === undefined || chain === '' ? {} : { certificateChainPem: chain }) };
    } catch (error) {
      if (!isNamed(error, 'RequestInProgressException')) throw error;
      if (attempt >= POLL_ATTEMPTS || invocation.budget.remainingMs() - POLL_DELAY_MS <= 0) {
        throw new Error(`Private CA did not issue the certificate within ${attempt} attempts`, { cause: error });
      }
      await invocation.sleep(POLL_DELAY_MS);
    }
  }
}
