import { DescribeCertificateCommand, type IoTClient } from '@aws-sdk/client-iot';
import type { Invocation } from '../runtime/invocation.js';

/** The PEM of a registered certificate. */
export async function certificatePemOf(iot: IoTClient, certificateId: string, invocation: Invocation): Promise<string> {
  const answer = await invocation.call('DescribeCertificate', () => iot.send(new DescribeCertificateCommand({ certificateId })));
  const pem = answer.certificateDescription?.certificatePem;
  if (pem === undefined || pem === '') throw new Error(`DescribeCertificate returned no PEM for ${certificateId}`);
  return pem;
}
