import { CreateCertificateFromCsrCommand, type IoTClient } from '@aws-sdk/client-iot';
import type { CertificateIssuerFactory } from './certificate-issuer.js';

/**
 * AWS IoT Core's own CA signs the CSR and activates the certificate in one call. The API takes
 * nothing but the CSR, whose subject becomes the certificate's; the backend has checked that the
 * CSR repeats the thing's subject and asks for no extension beyond a client certificate's.
 */
export function iotCoreIssuer(iot: IoTClient): CertificateIssuerFactory {
  return (invocation) => ({
    async issue({ csrPem }) {
      invocation.logger.info('Using AWS IoT to create the certificate');
      const answer = await invocation.call('CreateCertificateFromCsr', () =>
        iot.send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrPem, setAsActive: true })),
      );
      const { certificateId, certificateArn, certificatePem } = answer;
      if (certificateId === undefined || certificateArn === undefined || certificatePem === undefined) {
        throw new Error('CreateCertificateFromCsr returned an incomplete certificate');
      }
      return { certificateId, certificateArn, certificatePem };
    },
  });
}
