import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { controlPlaneConfig, HandlerClients } from '../aws/clients.js';
import { describeError } from '../aws/errors.js';
import { isRotationJob } from '../aws/job-execution.js';
import { deleteShadow, readShadow, rotationRecordOf, type RotationRecord } from '../aws/rotation-shadow.js';
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
}

/** Rotation outcomes by the status a rotation job execution ended with. */
const OUTCOME_METRIC: Partial<Record<string, MetricName>> = { SUCCEEDED: 'RotationsSucceeded', FAILED: 'RotationsFailed', TIMED_OUT: 'RotationsTimedOut' };

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
  const ctx: TerminalContext = { clients, notify, settings, metrics: base.metrics };

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
      await notify(notifications.cleanUpIncomplete(notificationPrefix(thingName), parsed.data.status, describeError(error)), invocation).catch(
        (notifyError: unknown) => invocation.logger.error('Notification failed', { error: notifyError }),
      );
    }
  }
}

async function handleTerminal(event: JobExecutionEvent, thingName: string, ctx: TerminalContext, invocation: Invocation): Promise<void> {
  const { clients, notify, settings } = ctx;
  const record = await takeRotationRecord(clients, { thingName, shadowName: settings.shadowName }, invocation);
  const prefix = notificationPrefix(thingName);
  if (!(await isRotationJob(clients.iot, event.jobId, settings.jobDocument, invocation))) {
    await notify(notifications.invalidJob(prefix), invocation);
    return;
  }
  const outcome = OUTCOME_METRIC[event.status];
  if (outcome !== undefined) ctx.metrics.count(outcome);
  const remove = (which: 'old' | 'new', of: RotationRecord) => removeRotatedCertificate(clients.iot, which, thingName, of, invocation);
  switch (event.status) {
    case 'SUCCEEDED':
      if (record?.progress === 'committed') {
        await remove('old', record);
        invocation.logger.info(`${prefix} SUCCEEDED`);
      } else {
        await notify(notifications.succeededContradicting(prefix), invocation);
      }
      return;
    case 'FAILED':
      // The device rolled back to the old certificate.
      if (record?.progress === 'created') await remove('new', record);
      await notify(notifications.failed(prefix), invocation);
      return;
    case 'TIMED_OUT':
      // After the commit nobody knows whether the device got commit/accepted, hence which
      // certificate it now uses: keep both and ask an operator.
      if (record?.progress === 'committed') {
        await notify(notifications.timedOutAfterCommit(prefix), invocation);
        return;
      }
      if (record?.progress === 'created') await remove('new', record);
      await notify(notifications.timedOut(prefix), invocation);
      return;
    default:
      invocation.logger.info('No action for this status', { status: event.status });
  }
}

/**
 * Reads the rotation record and deletes the shadow; no readable shadow means no progress. A shadow
 * that was read but could not be deleted still counts, so its certificates are still cleaned up.
 */
async function takeRotationRecord(
  clients: HandlerClients,
  shadow: { thingName: string; shadowName: string },
  invocation: Invocation,
): Promise<RotationRecord | undefined> {
  let document: unknown;
  try {
    document = await readShadow(await clients.iotData(invocation), shadow, invocation);
  } catch (error) {
    if (error instanceof RetryBudgetExhaustedError) throw error;
    invocation.logger.warn('No valid shadow for this thing', { error });
    return undefined;
  }
  try {
    await deleteShadow(await clients.iotData(invocation), shadow, invocation);
  } catch (error) {
    if (error instanceof RetryBudgetExhaustedError) throw error;
    invocation.logger.warn('Could not delete the rotation shadow', { error });
  }
  const record = rotationRecordOf(document);
  invocation.logger.info('Rotation record', { ...record });
  return record;
}
