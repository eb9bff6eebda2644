import {
  ACMPCAClient,
  GetCertificateCommand,
  IssueCertificateCommand,
  waitUntilCertificateIssued,
  type GetCertificateCommandOutput,
  type IssueCertificateCommandInput,
} from '@aws-sdk/client-acm-pca';
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

function clientCertificateTemplate(
  caArn: string,
  subject: readonly NameAttribute[],
): Pick<IssueCertificateCommandInput, 'TemplateArn' | 'ApiPassthrough'> {
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

/**
 * Issuance is asynchronous; the SDK's certificate-issued waiter polls GetCertificate with backoff.
 * Its delays, in seconds: the first poll a second after the first answer, at most 5 s apart.
 */
const WAITER_DELAYS = { minDelay: 1, maxDelay: 5 } as const;

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
      const { certificatePem, certificateChainPem } = await waitForCertificate(
        pca,
        { CertificateAuthorityArn, CertificateArn },
        invocation,
      );
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

/**
 * Waits for the certificate within the invocation's time budget (the waiter's maxWaitTime). The
 * SDK's waiter retries any error until its time is up; Smithy's waiter rules fail at once on an
 * error no acceptor names, so GetCertificate goes through a client that stops the waiter on any
 * error but RequestInProgressException (throttling is retried within the budget first).
 */
async function waitForCertificate(
  pca: ACMPCAClient,
  ids: { CertificateAuthorityArn: string; CertificateArn: string },
  invocation: Invocation,
): Promise<{ certificatePem: string; certificateChainPem?: string }> {
  const maxWaitTime = Math.floor(invocation.budget.remainingMs() / 1000);
  if (maxWaitTime <= WAITER_DELAYS.minDelay) {
    throw new Error(`Private CA issuance needs more than ${WAITER_DELAYS.minDelay} s to wait in; ${maxWaitTime} s remain`);
  }
  const stop = new AbortController();
  let failure: unknown;
  let polls = 0;
  const failFast = new Proxy(pca, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (command: GetCertificateCommand) => {
        polls += 1;
        try {
          return await invocation.call('GetCertificate', () => target.send(command));
        } catch (error) {
          if (!isNamed(error, 'RequestInProgressException')) {
            failure = error;
            stop.abort();
          }
          throw error;
        }
      };
    },
  });
  const result = await waitUntilCertificateIssued({ client: failFast, maxWaitTime, abortSignal: stop.signal, ...WAITER_DELAYS }, ids).catch(
    (error: unknown) => {
      throw failure ?? new Error(`Private CA did not issue the certificate within ${maxWaitTime} s (${polls} polls)`, { cause: error });
    },
  );
  const answer = result.reason as GetCertificateCommandOutput;
  if (answer.Certificate === undefined) throw new Error('GetCertificate returned no certificate');
  invocation.logger.info('Certificate is ready', { polls });
  const chain = answer.CertificateChain;
  return { certificatePem: answer.Certificate, ...(chain === undefined || chain === '' ? {} : { certificateChainPem: chain }) };
}
