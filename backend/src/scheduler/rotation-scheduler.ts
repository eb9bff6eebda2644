import { Logger } from '@aws-lambda-powertools/logger';
import { IoTClient } from '@aws-sdk/client-iot';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { controlPlaneConfig } from '../aws/clients.js';
import { createRotationMetrics, type RotationMetrics } from '../metrics/rotation-metrics.js';
import { createInvocation, realSleep, type Invocation } from '../runtime/invocation.js';
import { rateLimiter } from '../runtime/rate-limit.js';
import { DEFAULT_BACKOFF } from '../runtime/retry.js';
import { timeBudget, type InvocationContext } from '../runtime/time-budget.js';
import { findingsOf, isScheduledEvent } from './findings.js';
import { formatNotification, worthNotifying, type RunReport } from './report.js';
import { findingRun, scheduledRun, type RunContext } from './runs.js';
import { schedulerAws } from './scheduler-aws.js';
import { checkSchedulerSettings, type SchedulerSettings, type SchedulerTiming } from './settings.js';

export type { RunReport } from './report.js';

/** A run's reports: one for a scheduled run, one per finding; none for an event it does not take. */
export type RotationSchedulerHandler = (event: unknown, context?: InvocationContext) => Promise<RunReport[]>;

export const SCHEDULER_SUBJECT = 'Certificate rotation scheduler';

const DEFAULT_TIMING: SchedulerTiming = {
  // The deployed timeout: a run over a large fleet is paced, so it takes its time.
  defaultBudgetMs: 900_000,
  reserveMs: 60_000,
  concurrency: 4,
  sleep: realSleep,
  random: Math.random,
};

/**
 * The rotation scheduler: on its schedule it looks at every thing of the watched groups and starts
 * rotation jobs for those whose certificate is due; on a Device Defender finding (delivered by SNS)
 * it does the same for the things holding the finding's certificate. Each run tells the
 * notification topic what it started and what it skipped, and why.
 */
export function createRotationSchedulerHandler(settings: SchedulerSettings): RotationSchedulerHandler {
  checkSchedulerSettings(settings);
  const timing: SchedulerTiming = { ...DEFAULT_TIMING, ...settings.timing };
  const logger = settings.logger ?? new Logger({ serviceName: 'AWSLabsCertificateRotatorRotationScheduler' });
  const iot = settings.clients?.iot ?? new IoTClient(controlPlaneConfig(settings.clientConfig));
  const sns = settings.clients?.sns ?? new SNSClient(controlPlaneConfig(settings.clientConfig));
  const calendar = settings.now ?? Date.now;
  const metrics = settings.metrics ?? createRotationMetrics('AWSLabsCertificateRotatorRotationScheduler');

  const notify = async (report: RunReport, invocation: Invocation): Promise<void> => {
    if (!worthNotifying(report)) return;
    try {
      await invocation.call('Publish', () =>
        sns.send(new PublishCommand({ TopicArn: settings.snsTopicArn, Subject: SCHEDULER_SUBJECT, Message: formatNotification(report) })),
      );
    } catch (error) {
      invocation.logger.error('Notification failed', { error });
    }
  };

  return async (event, context) => {
    const budget = timeBudget(context, { defaultMs: timing.defaultBudgetMs, marginMs: 1_000 });
    const invocation = createInvocation({
      logger: logger.createChild({ persistentKeys: context?.awsRequestId === undefined ? {} : { awsRequestId: context.awsRequestId } }),
      budget,
      sleep: timing.sleep,
      random: timing.random,
      // A scheduled run has nobody waiting on it: its throttled calls stay patient and leave the
      // quota to the rotations under way, however long the run has lasted.
      ageMs: () => 0,
      backoff: DEFAULT_BACKOFF,
    });
    // Pacing runs on elapsed time, whatever the calendar says.
    const limiter = rateLimiter(settings.callsPerSecond, { now: () => performance.now(), sleep: timing.sleep });
    const ctx: RunContext = { aws: schedulerAws({ iot, sns, invocation, limiter }), settings, timing, now: calendar() };

    const findings = findingsOf(event);
    let reports: RunReport[];
    if (findings !== undefined) {
      reports = [];
      for (const parsed of findings) {
        if (!parsed.ok) {
          invocation.logger.warn('Dropped a message that is no rotation finding', { problem: parsed.problem });
          continue;
        }
        reports.push(await findingRun(ctx, parsed.finding));
      }
    } else if (isScheduledEvent(event)) {
      reports = [await scheduledRun(ctx)];
    } else {
      invocation.logger.error('Dropped an event that is neither a schedule nor an SNS delivery');
      return [];
    }
    for (const report of reports) {
      invocation.logger.info('Rotation scheduler run', {
        trigger: report.trigger,
        watched: report.watched,
        examined: report.examined,
        notDue: report.notDue,
        jobs: report.jobs.map((j) => j.jobId),
        started: report.started.length,
        skipped: report.skipped.length,
        problems: report.problems,
      });
      await notify(report, invocation);
      countRun(metrics, report);
    }
    metrics.flush();
    return reports;
  };
}

/** What a run started, and what it left out by reason. */
function countRun(metrics: RotationMetrics, report: RunReport): void {
  metrics.count('RotationsScheduled', { value: report.started.length });
  const skips = new Map<string, number>();
  for (const { code } of report.skipped) skips.set(code, (skips.get(code) ?? 0) + 1);
  for (const [reason, value] of skips) metrics.count('SchedulerSkips', { reason, value });
}
