import type { IoTClient } from '@aws-sdk/client-iot';
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
  // The listing already names the certificate's ARN; its status is settled by the retirement itself
  // (UpdateCertificate), which saves a DescribeCertificate call from a quota of 10 a second.
  const certificateArn = principals[ids.indexOf(certificateId)] ?? '';
  await retireCertificate(iot, { certificateId, certificateArn }, { thingName, detachPolicies: true }, invocation);
}
