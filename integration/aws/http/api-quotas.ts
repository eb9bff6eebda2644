import type { OperationRef } from './service-name.js';

/**
 * AWS's default request-rate quotas for the operations the certificate rotator's backend calls,
 * per account and region, in requests per second. Operations not listed here are not throttled.
 *
 * Sources (default values; accounts may have raised them):
 * - [SQ]  Service Quotas defaults for AWS IoT Core (`iotcore`) and AWS Private CA (`acm-pca`), as
 *         listed by the Service Quotas API: AttachThingPrincipal API TPS (L-F64D1AA6) 100,
 *         DetachThingPrincipal API TPS (L-B5EE4A16) 100, ListThingPrincipals API TPS (L-FC3EF4D9)
 *         10, Rate of IssueCertificate requests (L-CAFB4993) 25, Rate of GetCertificate requests
 *         (L-1725E639) 75. https://docs.aws.amazon.com/general/latest/gr/iot-core.html and
 *         https://docs.aws.amazon.com/general/latest/gr/pca.html
 * - [GR]  AWS General Reference, "AWS IoT Core endpoints and quotas", throttling limits
 *         (https://docs.aws.amazon.com/general/latest/gr/iot-core.html#throttling-limits), as
 *         checked in June 2025: AttachPolicy 15, DescribeCertificate 10,
 *         RegisterCertificateWithoutCA 10.
 * - [DG]  AWS IoT Developer Guide, "AWS IoT quotas", throttling and job limits
 *         (https://docs.aws.amazon.com/iot/latest/developerguide/limits-iot.html): the rate of
 *         every other control-plane operation below; the Jobs data plane's 200 read and 200 write
 *         transactions per second per account; 20 shadow requests per second per thing.
 * ListThingPrincipalsV2 has a quota of its own (L-00ACEBE9) whose default is not published; it is
 * taken to be ListThingPrincipals'.
 */
export interface ApiQuota {
  /** Requests per second. */
  rate: number;
  /** Operations that draw on this quota together. */
  operations: readonly OperationRef[];
  /** `thing`: one allowance per thing (the request's `thingName`), not per account. */
  per?: 'account' | 'thing';
  source: 'SQ' | 'GR' | 'DG';
}

export const AWS_API_QUOTAS: readonly ApiQuota[] = [
  // AWS IoT Core control plane.
  { rate: 15, operations: ['iot:CreateCertificateFromCsr'], source: 'DG' },
  { rate: 10, operations: ['iot:RegisterCertificateWithoutCA'], source: 'GR' },
  { rate: 10, operations: ['iot:DescribeCertificate'], source: 'GR' },
  { rate: 10, operations: ['iot:UpdateCertificate'], source: 'DG' },
  { rate: 10, operations: ['iot:DeleteCertificate'], source: 'DG' },
  { rate: 15, operations: ['iot:AttachPolicy'], source: 'GR' },
  { rate: 15, operations: ['iot:DetachPolicy'], source: 'DG' },
  { rate: 15, operations: ['iot:ListPrincipalPolicies'], source: 'DG' },
  { rate: 100, operations: ['iot:AttachThingPrincipal'], source: 'SQ' },
  { rate: 100, operations: ['iot:DetachThingPrincipal'], source: 'SQ' },
  { rate: 10, operations: ['iot:ListThingPrincipals'], source: 'SQ' },
  { rate: 10, operations: ['iot:ListThingPrincipalsV2'], source: 'SQ' },
  { rate: 10, operations: ['iot:CreateJob'], source: 'DG' },
  { rate: 10, operations: ['iot:DescribeJob'], source: 'DG' },
  { rate: 10, operations: ['iot:GetJobDocument'], source: 'DG' },
  { rate: 10, operations: ['iot:DescribeJobExecution'], source: 'DG' },
  { rate: 10, operations: ['iot:ListJobExecutionsForJob'], source: 'DG' },
  { rate: 10, operations: ['iot:ListJobExecutionsForThing'], source: 'DG' },
  // AWS IoT Jobs data plane: reads and writes each share one allowance per account.
  { rate: 200, operations: ['iot-jobs-data:DescribeJobExecution', 'iot-jobs-data:GetPendingJobExecutions'], source: 'DG' },
  { rate: 200, operations: ['iot-jobs-data:UpdateJobExecution', 'iot-jobs-data:StartNextPendingJobExecution'], source: 'DG' },
  // Device Shadow service: every shadow request of one thing counts.
  {
    rate: 20,
    operations: [
      'iot-data:GetThingShadow',
      'iot-data:UpdateThingShadow',
      'iot-data:DeleteThingShadow',
      'iot-data:ListNamedShadowsForThing',
    ],
    per: 'thing',
    source: 'DG',
  },
  // AWS Private CA.
  { rate: 25, operations: ['acm-pca:IssueCertificate'], source: 'SQ' },
  { rate: 75, operations: ['acm-pca:GetCertificate'], source: 'SQ' },
];

/** The quota an operation draws on, if any. */
export function quotaOf(operation: OperationRef, quotas: readonly ApiQuota[] = AWS_API_QUOTAS): ApiQuota | undefined {
  return quotas.find((quota) => quota.operations.includes(operation));
}
