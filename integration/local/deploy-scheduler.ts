import { randomUUID } from 'node:crypto';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { IoTClient } from '@aws-sdk/client-iot';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { createRotationSchedulerHandler, type RunReport, type SchedulerSettings } from '../../backend/src/index.js';
import { DEFAULT_NAME_PREFIX, JOB_DOCUMENT } from '../../shared/contract/index.js';
import type { AwsStandIn } from '../aws/index.js';
import { standInClientConfig, type BackendDeployment } from './deploy-backend.js';

export interface DeploySchedulerOptions {
  thingGroups: string[];
  renewBeforeDays?: number;
  maxAgeDays?: number;
  /** Defaults as the construct's: 100 per run, 100 per job, 5 calls a second. */
  maxRotationsPerRun?: number;
  thingsPerJob?: number;
  callsPerSecond?: number;
  /** Subscribe the scheduler to a findings topic, as the construct's `deviceDefender` does. */
  deviceDefender?: boolean;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

export interface SchedulerDeployment {
  /** Runs the scheduler once, as its EventBridge schedule does. */
  runOnce(): Promise<RunReport[]>;
  /** Device Defender only: the topic the mitigation action publishes findings to. */
  findingsTopicArn?: string;
  /** Device Defender only: resolves with the reports of the findings the topic delivered so far. */
  findingRuns(): Promise<RunReport[]>;
}

/**
 * How a scheduler run in this process (not in a Lambda environment, so that a test can move its
 * calendar forward) reaches the stand-in: clients of this process, with the administrator's credentials.
 */
export function schedulerClients(standIn: AwsStandIn): Pick<SchedulerSettings, 'clientConfig' | 'clients'> {
  const config = standInClientConfig(standIn);
  return { clientConfig: { region: config.region }, clients: { iot: new IoTClient(config), sns: new SNSClient(config) } };
}

/**
 * Runs the rotation scheduler against the stand-in as the construct's `schedule` prop deploys it:
 * the real handler code, in this process rather than a Lambda environment, with the stand-in's
 * clock as the calendar (so a test can move time forward) and the account administrator's
 * credentials (so its role's policy is not what is checked here), and, for Device Defender, a
 * findings topic that delivers to it as SNS does.
 */
export async function deployScheduler(
  standIn: AwsStandIn,
  backend: BackendDeployment,
  options: DeploySchedulerOptions,
): Promise<SchedulerDeployment> {
  const clientConfig = standInClientConfig(standIn);
  const handler = createRotationSchedulerHandler({
    ...schedulerClients(standIn),
    thingGroups: options.thingGroups,
    policy: {
      ...(options.renewBeforeDays === undefined ? {} : { renewBeforeDays: options.renewBeforeDays }),
      ...(options.maxAgeDays === undefined ? {} : { maxAgeDays: options.maxAgeDays }),
    },
    maxRotationsPerRun: options.maxRotationsPerRun ?? 100,
    thingsPerJob: options.thingsPerJob ?? 100,
    jobTemplateArn: backend.jobTemplateArn,
    jobDocument: JOB_DOCUMENT,
    jobIdPrefix: DEFAULT_NAME_PREFIX,
    snsTopicArn: backend.snsTopicArn,
    callsPerSecond: options.callsPerSecond ?? 5,
    logger: new PowertoolsLogger({ serviceName: `${DEFAULT_NAME_PREFIX}RotationScheduler`, logLevel: options.logLevel ?? 'WARN' }),
    now: () => standIn.model.clock.now(),
  });
  const { region, accountId } = standIn.model;
  const scheduledEvent = () => ({
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: accountId,
    time: new Date(standIn.model.clock.now()).toISOString(),
    region,
    resources: [`arn:aws:events:${region}:${accountId}:rule/${DEFAULT_NAME_PREFIX}RotationSchedule`],
    detail: {},
  });

  const deliveries: Promise<RunReport[]>[] = [];
  let findingsTopicArn: string | undefined;
  if (options.deviceDefender) {
    const sns = new SNSClient(clientConfig);
    findingsTopicArn = (await sns.send(new CreateTopicCommand({ Name: `${DEFAULT_NAME_PREFIX}AuditFindings` }))).TopicArn ?? '';
    sns.destroy();
    const topicArn = findingsTopicArn;
    standIn.model.sns.onMessage((message) => {
      if (message.topicArn !== topicArn) return;
      const record = {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: message.messageId,
          TopicArn: topicArn,
          Message: message.message,
          Timestamp: new Date(message.publishedAt).toISOString(),
        },
      };
      deliveries.push(handler({ Records: [record] }));
    });
  }
  return {
    runOnce: () => handler(scheduledEvent()),
    ...(findingsTopicArn === undefined ? {} : { findingsTopicArn }),
    findingRuns: async () => (await Promise.all(deliveries)).flat(),
  };
}
