import { ACMPCAClient, GetCertificateCommand, IssueCertificateCommand } from '@aws-sdk/client-acm-pca';
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

/** Issuance is asynchronous: poll GetCertificate like the SDK's certificate-issued waiter. */
const POLL_DELAY_MS = 1_000;
const POLL_ATTEMPTS = 30;

/**
 * AWS Private CA signs the CSR; the certificate is then registered in AWS IoT without its CA, so
 * the CA need not be registered there.
 */
export function privateCaIssuer(iot: IoTClient, pca: ACMPCAClient, settings: PrivateCaSettings): CertificateIssuerFactory {
  return (invocation) => ({
    async issue(csrPem) {
      const CertificateAuthorityArn = settings.caArn;
      invocation.logger.info('Using Private CA to create the certificate', { caArn: CertificateAuthorityArn });
      const issued = await invocation.call('IssueCertificate', () =>
        pca.send(
          new IssueCertificateCommand({
            CertificateAuthorityArn,
            Csr: new TextEncoder().encode(csrPem),
            SigningAlgorithm: settings.signingAlgorithm,
            Validity: { Value: settings.validityInDays, Type: 'DAYS' },
          }),
        ),
      );
      const CertificateArn = issued.CertificateArn;
      if (CertificateArn === undefined) throw new Error('IssueCertificate returned no certificate ARN');
      const certificatePem = await waitForCertificate(pca, { CertificateAuthorityArn, CertificateArn }, invocation);
      const registered = await invocation.call('RegisterCertificateWithoutCA', () =>
        iot.send(new RegisterCertificateWithoutCACommand({ certificatePem, status: 'ACTIVE' })),
      );
      const { certificateId, certificateArn } = registered;
      if (certificateId === undefined || certificateArn === undefined) {
        throw new Error('RegisterCertificateWithoutCA returned no certificate id');
      }
      return { certificateId, certificateArn, certificatePem };
    },
  });
}

async function waitForCertificate(
  pca: ACMPCAClient,
  ids: { CertificateAuthorityArn: string; CertificateArn: string },
  invocation: Invocation,
): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const answer = await invocation.call('GetCertificate', () => pca.send(new GetCertificateCommand(ids)));
      if (answer.Certificate === undefined) throw new Error('GetCertificate returned no certificate');
      invocation.logger.info('Certificate is ready', { attempts: attempt });
      return answer.Certificate;
    } catch (error) {
      if (!isNamed(error, 'RequestInProgressException')) throw error;
      if (attempt >= POLL_ATTEMPTS || invocation.budget.remainingMs() - POLL_DELAY_MS <= 0) {
        throw new Error(`Private CA did not issue the certificate within ${attempt} attempts`, { cause: error });
      }
      await invocation.sleep(POLL_DELAY_MS);
    }
  }
}
