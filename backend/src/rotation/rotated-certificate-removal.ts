import { DescribeCertificateCommand, type IoTClient } from '@aws-sdk/client-iot';
import { retireCertificate } from '../aws/certificate-retirement.js';
import type { RotationRecord } from '../aws/rotation-shadow.js';
import { certificateIds, exclusivePrincipals } from '../aws/thing-principals.js';
import type { Invocation } from '../runtime/invocation.js';

export type WhichCertificate = 'old' | 'new';

/**
 * Removes one of the two certificates a rotation left on the thing. Only acts on the state a
 * rotation leaves (exactly two exclusive certificates, one of them this one); anything else is
 * logged and left for an operator.
 */
export async function removeRotatedCertificate(
  iot: IoTClient,
  which: WhichCertificate,
  thingName: string,
  record: RotationRecord,
  invocation: Invocation,
): Promise<void> {
  const certificateId = which === 'old' ? record.oldCertificateId : record.newCertificateId;
  invocation.logger.info(`Deleting ${which} certificate`, { certificateId });
  const principals = await exclusivePrincipals(iot, thingName, invocation);
  const ids = certificateIds(principals, 2);
  if (ids === undefined || !ids.includes(certificateId)) {
    invocation.logger.warn('Did not delete certificate because of invalid thing state', { certificateId, principals });
    return;
  }
  const answer = await invocation.call('DescribeCertificate', () => iot.send(new DescribeCertificateCommand({ certificateId })));
  const certificateArn = answer.certificateDescription?.certificateArn;
  if (certificateArn === undefined) throw new Error(`DescribeCertificate returned no ARN for ${certificateId}`);
  const status = answer.certificateDescription?.status;
  await retireCertificate(
    iot,
    { certificateId, certificateArn, ...(status === undefined ? {} : { status }) },
    { thingName, detachPolicies: true },
    invocation,
  );
}
