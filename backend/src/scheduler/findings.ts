import * as z from 'zod/mini';
import '../../../shared/contract/zod-english.js';

/** The Device Defender audit checks whose findings start a rotation. */
export const ROTATION_AUDIT_CHECKS = ['DEVICE_CERTIFICATE_EXPIRING_CHECK', 'DEVICE_CERTIFICATE_AGE_CHECK'] as const;

/** A non-compliant device certificate, from a Device Defender audit finding. */
export interface CertificateFinding {
  checkName: (typeof ROTATION_AUDIT_CHECKS)[number];
  certificateId: string;
  findingId?: string;
}

/** The AuditFinding structure of the AWS IoT API, as far as a rotation needs it. */
const auditFindingSchema = z.object({
  findingId: z.optional(z.string()),
  checkName: z.string(),
  nonCompliantResource: z.object({
    resourceType: z.optional(z.string()),
    resourceIdentifier: z.object({ deviceCertificateId: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be a certificate id')) }),
  }),
});

/** A PUBLISH_FINDING_TO_SNS message carries the finding under `finding`; a bare finding is taken too. */
const messageSchema = z.union([
  z.pipe(
    z.object({ finding: auditFindingSchema }),
    z.transform((m: { finding: z.infer<typeof auditFindingSchema> }) => m.finding),
  ),
  auditFindingSchema,
]);

const snsEventSchema = z.object({
  Records: z.array(z.object({ EventSource: z.literal('aws:sns'), Sns: z.object({ Message: z.string() }) })).check(z.minLength(1)),
});

export type FindingParse = { ok: true; finding: CertificateFinding } | { ok: false; problem: string };

/** Undefined when the event is not an SNS delivery; else each record's finding or why it is unusable. */
export function findingsOf(event: unknown): FindingParse[] | undefined {
  const sns = snsEventSchema.safeParse(event);
  if (!sns.success) return undefined;
  return sns.data.Records.map((record) => parseFinding(record.Sns.Message));
}

function parseFinding(message: string): FindingParse {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { ok: false, problem: 'message is not JSON' };
  }
  const parsed = messageSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: 'message is not an audit finding for a device certificate' };
  const { checkName, findingId, nonCompliantResource } = parsed.data;
  const check = ROTATION_AUDIT_CHECKS.find((c) => c === checkName);
  if (check === undefined) return { ok: false, problem: `check ${checkName} does not call for a rotation` };
  return {
    ok: true,
    finding: {
      checkName: check,
      certificateId: nonCompliantResource.resourceIdentifier.deviceCertificateId,
      ...(findingId ? { findingId } : {}),
    },
  };
}

/** The EventBridge event of a schedule (a rule's `Scheduled Event`). */
export function isScheduledEvent(event: unknown): boolean {
  return z.object({ 'detail-type': z.literal('Scheduled Event') }).safeParse(event).success;
}
