import { DescribeCertificateCommand, DescribeJobCommand } from '@aws-sdk/client-iot';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { controlPlaneConfig, HandlerClients } from '../aws/clients.js';
import { describeError, isNamed } from '../aws/errors.js';
import { rotationJobCheck } from '../aws/job-execution.js';
import {
  deleteShadow,
  readShadow,
  recordedJobOf,
  reportProgress,
  rotationRecordOf,
  type RotationRecord,
  type ShadowRef,
} from '../aws/rotation-shadow.js';
import { certificateIds, exclusivePrincipals } from '../aws/thing-principals.js';
import { describeIssues } from '../events/issues.js';
import { jobExecutionEventSchema, thingNameOf, type JobExecutionEvent } from '../events/job-execution-event.js';
import type { Invocation } from '../runtime/invocation.js';
import type { InvocationContext } from '../runtime/time-budget.js';
import type { MetricName, RotationMetrics } from '../metrics/rotation-metrics.js';
import { RetryBudgetExhaustedError } from '../runtime/retry.js';
import type { RotationHandler } from './device-request.js';
import { backendResourceNames, NOTIFICATION_SUBJECT } from '../../../shared/contract/index.js';
import { prepareHandler, type HandlerSettings } from './handler-settings.js';
import { notificationPrefix, notifications } from './messages.js';
import { keptCertificate } from './kept-certificate.js';
import { removeRotatedCertificate } from './rotated-certificate-removal.js';

export interface JobExecutionTerminalSettings extends HandlerSettings {
  /** Where operator notifications go. */
  snsTopicArn: string;
}

interface TerminalContext {
  clients: HandlerClients;
  notify: (message: string, invocation: Invocation) => Promise<void>;
  settings: JobExecutionTerminalSettings;
  metrics: RotationMetrics;
  isRotationJob: (jobId: string, invocation: Invocation) => Promise<boolean>;
}

/** Rotation outcomes by the status a rotation job execution ended with. */
const OUTCOME_METRIC: Partial<Record<string, MetricName>> = {
  SUCCEEDED: 'RotationsSucceeded',
  FAILED: 'RotationsFailed',
  TIMED_OUT: 'RotationsTimedOut',
};

export function createJobExecutionTerminalHandler(settings: JobExecutionTerminalSettings): RotationHandler {
  const base = prepareHandler(settings, {
    label: 'job-execution-terminal',
    serviceName: backendResourceNames().functions.jobExecutionTerminal,
    // Matches the deployed timeout (30 s: DeleteCertificate may wait for a detach).
    defaultBudgetMs: 30_000,
  });
  if (!settings.snsTopicArn.startsWith('arn:')) throw new Error('Invalid job-execution-terminal settings: snsTopicArn: must be an ARN');
  const clients = base.clients;
  const sns = new SNSClient(controlPlaneConfig(settings.clientConfig));
  const notify = async (message: string, invocation: Invocation): Promise<void> => {
    invocation.logger.info('Notifying', { notification: message });
    await invocation.call('Publish', () =>
      sns.send(new PublishCommand({ TopicArn: settings.snsTopicArn, Message: message, Subject: NOTIFICATION_SUBJECT })),
    );
  };
  const ctx: TerminalContext = {
    clients,
    notify,
    settings,
    metrics: base.metrics,
    isRotationJob: rotationJobCheck(clients.iot, settings.jobDocument, undefined, base.now),
  };

  return async (event, context) => {
    try {
      await handleEvent(event, context);
    } finally {
      base.metrics.flush();
    }
  };

  async function handleEvent(event: unknown, context: InvocationContext | undefined): Promise<void> {
    const start = base.begin(context);
    const parsed = jobExecutionEventSchema.safeParse(event);
    if (!parsed.success) {
      // Nobody waits for an answer to an event; an unusable one can only be recorded.
      start.invocation({}).logger.error('Dropped an invalid job execution event', {
        problem: describeIssues(parsed.error),
      });
      return;
    }
    const thingName = thingNameOf(parsed.data.thingArn);
    const invocation = start.invocation({ thingName, jobId: parsed.data.jobId });
    invocation.logger.info('Job execution ended', { status: parsed.data.status });
    try {
      await handleTerminal(parsed.data, thingName, ctx, invocation);
    } catch (error) {
      invocation.logger.error('Handling the job execution end did not complete', { error });
      await notify(
        notifications.cleanUpIncomplete(notificationPrefix(thingName), parsed.data.status, describeError(error)),
        invocation,
      ).catch((notifyError: unknown) => invocation.logger.error('Notification failed', { error: notifyError }));
    }
  }
}

async function handleTerminal(event: JobExecutionEvent, thingName: string, ctx: TerminalContext, invocation: Invocation): Promise<void> {
  const { clients, notify, settings } = ctx;
  const shadow = { thingName, shadowName: settings.shadowName };
  const { record, ours } = await readRotationRecord(clients, shadow, event.jobId, invocation);
  const prefix = notificationPrefix(thingName);
  // This job's shadow is gone once the job has ended, except while a rotation is unsettled.
  const dropRecord = async (): Promise<void> => {
    if (ours) await discardShadow(clients, shadow, event.jobId, invocation);
  };
  if (!(await ctx.isRotationJob(event.jobId, invocation))) {
    await dropRecord();
    await notify(notifications.invalidJob(prefix), invocation);
    return;
  }
  const outcome = OUTCOME_METRIC[event.status];
  if (outcome !== undefined) ctx.metrics.count(outcome);
  const remove = (which: 'old' | 'new', of: RotationRecord) => removeRotatedCertificate(clients.iot, which, thingName, of, invocation);
  switch (event.status) {
    case 'SUCCEEDED':
      if (record?.progress === 'committed') {
        // The record goes only once the old certificate has: if its removal does not complete
        // (throttled past the budget, say), the record stays for the core's next rotation to settle.
        await remove('old', record);
        await dropRecord();
        invocation.logger.info(`${prefix} SUCCEEDED`);
      } else if (record === undefined && (await rotatedDuringJob(clients, thingName, event.jobId, invocation))) {
        await dropRecord();
        // A repeated event: the first one found the record and cleaned up.
        invocation.logger.info('Nothing left to clean up for this execution');
      } else {
        await dropRecord();
        await notify(notifications.succeededContradicting(prefix), invocation);
      }
      return;
    case 'FAILED':
    case 'TIMED_OUT':
      if (record?.progress === 'committed' || record?.progress === 'unsettled') {
        await endAfterCommit(event, event.status, record, ctx, invocation);
        return;
      }
      // Before the commit the device holds the new certificate only with a backup, and rolls back
      // to it when it finds the job ended; so the new certificate goes, then the record (kept for
      // the core's next rotation to settle if the removal does not complete).
      if (record?.progress === 'created') await remove('new', record);
      await dropRecord();
      await notify(event.status === 'FAILED' ? notifications.failed(prefix) : notifications.timedOut(prefix), invocation);
      return;
    default:
      // CANCELED, REJECTED, REMOVED: the record stays, so that the core's next rotation settles
      // whatever this one left attached.
      invocation.logger.info('No action for this status', { status: event.status });
  }
}

/**
 * A job that failed or timed out after the backend accepted its commit: the core may run on either
 * certificate. When it said which one it keeps, the other goes. Otherwise both stay and the record
 * is marked unsettled, for the core's next rotation to settle (see settle-earlier-rotation.ts).
 */
async function endAfterCommit(
  event: JobExecutionEvent,
  status: 'FAILED' | 'TIMED_OUT',
  record: RotationRecord,
  ctx: TerminalContext,
  invocation: Invocation,
): Promise<void> {
  const { clients, notify, settings } = ctx;
  const thingName = thingNameOf(event.thingArn);
  const shadow = { thingName, shadowName: settings.shadowName };
  const prefix = notificationPrefix(thingName);
  const kept = keptCertificate(event, record);
  invocation.logger.info('Job ended after its commit', { status, kept: kept ?? 'unknown' });
  if (kept !== undefined) {
    await removeRotatedCertificate(clients.iot, kept === 'old' ? 'new' : 'old', thingName, record, invocation);
    await discardShadow(clients, shadow, event.jobId, invocation);
    const text =
      kept === 'old'
        ? status === 'FAILED'
          ? notifications.failed(prefix)
          : notifications.timedOut(prefix)
        : notifications.keptNewAfterCommit(prefix, status);
    await notify(text, invocation);
    return;
  }
  await reportProgress(await clients.iotData(invocation), shadow, { ...record, progress: 'unsettled', jobId: event.jobId }, invocation);
  await notify(notifications.unsettledAfterCommit(prefix, status), invocation);
}

/**
 * Whether the thing holds one certificate, issued after the job was created: the rotation happened
 * and an earlier delivery of this event cleaned up. A thing still on a certificate older than the
 * job reported SUCCEEDED without rotating, which operators must hear of.
 */
async function rotatedDuringJob(clients: HandlerClients, thingName: string, jobId: string, invocation: Invocation): Promise<boolean> {
  const [certificateId] = certificateIds(await exclusivePrincipals(clients.iot, thingName, invocation), 1) ?? [];
  if (certificateId === undefined) return false;
  const certificate = await invocation.call('DescribeCertificate', () =>
    clients.iot.send(new DescribeCertificateCommand({ certificateId })),
  );
  const job = await invocation.call('DescribeJob', () => clients.iot.send(new DescribeJobCommand({ jobId })));
  const issued = certificate.certificateDescription?.creationDate;
  const created = job.job?.createdAt;
  return issued !== undefined && created !== undefined && issued.getTime() >= created.getTime();
}

/** What the shadow holds for this job: `ours` when there is a shadow that is not another job's. */
interface RecordRead {
  record?: RotationRecord;
  ours: boolean;
}

/**
 * The rotation record of this job. A shadow about another job (an unsettled earlier rotation, say)
 * is not ours to touch; a shadow that names no job, or is malformed, is treated as this job's, as
 * the original did.
 */
async function readRotationRecord(clients: HandlerClients, shadow: ShadowRef, jobId: string, invocation: Invocation): Promise<RecordRead> {
  let document: unknown;
  try {
    document = await readShadow(await clients.iotData(invocation), shadow, invocation);
  } catch (error) {
    if (error instanceof RetryBudgetExhaustedError) throw error;
    invocation.logger.warn('No valid shadow for this thing', { error });
    return { ours: false };
  }
  const record = rotationRecordOf(document);
  invocation.logger.info('Rotation record', { ...record });
  // Another job's record, or its claim while its certificate is being issued, is left alone.
  const recordJobId = recordedJobOf(document);
  if (recordJobId !== undefined && recordJobId !== jobId) {
    invocation.logger.info('The rotation record is about another job; leaving it', { recordJobId });
    return { ours: false };
  }
  return { ...(record === undefined ? {} : { record }), ours: true };
}

/**
 * Deletes the rotation shadow, unless another job's rotation has claimed it since it was read: the
 * clean-up before this can take seconds (a delete that conflicts while a detach propagates), and
 * the core's next job may start meanwhile. AWS IoT's DeleteThingShadow takes no version, so the
 * shadow is read again just before; a record without a job (the original backend's) is deleted as
 * before. One that could not be deleted still had its certificates cleaned up.
 */
async function discardShadow(clients: HandlerClients, shadow: ShadowRef, jobId: string, invocation: Invocation): Promise<void> {
  try {
    const iotData = await clients.iotData(invocation);
    const recordJobId = recordedJobOf(await readShadow(iotData, shadow, invocation));
    if (recordJobId !== undefined && recordJobId !== jobId) {
      invocation.logger.info('Another rotation has claimed the rotation record since; leaving it', { recordJobId });
      return;
    }
    await deleteShadow(iotData, shadow, invocation);
  } catch (error) {
    if (error instanceof RetryBudgetExhaustedError) throw error;
    if (isNamed(error, 'ResourceNotFoundException')) return;
    invocation.logger.warn('Could not delete the rotation shadow', { error });
  }
}
