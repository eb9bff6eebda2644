import { describeError } from '../aws/errors.js';
import { RetryBudgetExhaustedError } from '../runtime/retry.js';
import type { CertificateFacts, Due } from './due.js';
import { certificateRecord, thingCertificateIds } from './fleet.js';
import { pendingRotationOf, type PendingRotation } from './pending-rotations.js';
import type { SchedulerAws } from './scheduler-aws.js';

/** What looking at one thing concluded. */
export type Examination =
  | { kind: 'due'; thingName: string; certificateId: string; due: Due }
  | { kind: 'notDue'; thingName: string }
  | { kind: 'skipped'; thingName: string; reason: string; code: SkipCode };

/** Why a core was left out, as a metric dimension. */
export type SkipCode =
  | 'RotationPending'
  | 'NoCertificate'
  | 'SeveralCertificates'
  | 'CertificateChanged'
  | 'NotActive'
  | 'Unreadable'
  | 'OverCap'
  | 'CreateJobFailed';

export interface ExamineContext {
  aws: SchedulerAws;
  /** Things in this scheduler's jobs still IN_PROGRESS. */
  scheduledTargets: ReadonlyMap<string, PendingRotation>;
  isRotationJob: (jobId: string) => Promise<boolean>;
}

export interface ExamineRequest {
  thingName: string;
  /** Whether the thing's certificate is due, and why. */
  dueOf: (facts: CertificateFacts) => Due | undefined;
  /** A finding names a certificate: the thing must still hold that one. */
  expectedCertificateId?: string;
}

const skipped = (thingName: string, code: SkipCode, reason: string): Examination => ({ kind: 'skipped', thingName, reason, code });

/**
 * Looks at one thing the way a careful operator would before rotating it: exactly one certificate,
 * ACTIVE, due, and no rotation job for it already queued or in progress. A lookup that fails skips
 * the thing with the error; running out of time is the caller's to handle.
 */
export async function examineThing(ctx: ExamineContext, request: ExamineRequest): Promise<Examination> {
  const { thingName } = request;
  try {
    const scheduled = ctx.scheduledTargets.get(thingName);
    if (scheduled !== undefined) return skipped(thingName, 'RotationPending', `rotation job ${scheduled.jobId} is still in progress`);
    const certificateIds = await thingCertificateIds(ctx.aws, thingName);
    if (certificateIds.length === 0) return skipped(thingName, 'NoCertificate', 'no certificate attached');
    if (certificateIds.length > 1) {
      return skipped(
        thingName,
        'SeveralCertificates',
        `${certificateIds.length} certificates attached; a rotation needs exactly one (detach the one the device does not use)`,
      );
    }
    const certificateId = certificateIds[0] ?? '';
    if (request.expectedCertificateId !== undefined && certificateId !== request.expectedCertificateId) {
      return skipped(
        thingName,
        'CertificateChanged',
        `certificate ${request.expectedCertificateId} of the finding is no longer attached (rotated already?)`,
      );
    }
    const record = await certificateRecord(ctx.aws, certificateId);
    if (record.status !== 'ACTIVE') return skipped(thingName, 'NotActive', `certificate ${certificateId} is ${record.status}, not ACTIVE`);
    const due = request.dueOf(record);
    if (due === undefined) return { kind: 'notDue', thingName };
    const pending = await pendingRotationOf(ctx.aws, thingName, ctx.isRotationJob);
    if (pending !== undefined) return skipped(thingName, 'RotationPending', `rotation job ${pending.jobId} is ${pending.status}`);
    return { kind: 'due', thingName, certificateId, due };
  } catch (error) {
    if (error instanceof RetryBudgetExhaustedError) throw error;
    ctx.aws.invocation.logger.warn('Could not examine a thing', { thingName, error });
    return skipped(thingName, 'Unreadable', `could not be examined: ${describeError(error)}`);
  }
}
