import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, type MetricName } from '../src/metrics/metric-names.js';

/** Properties of {@link RotationMonitoring}. */
export interface RotationMonitoringProps {
  readonly namePrefix: string;
  /** The deployed function names: each function's metrics carry its name as `service`. */
  readonly functionNames: { create: string; commit: string; terminal: string; scheduler?: string };
  /** Rotations failed or timed out within five minutes that raise the alarm. */
  readonly alarmThreshold: number;
  /** Where the alarm goes when it fires and when it clears; none: the alarm only shows. */
  readonly alarmTopic?: sns.ITopic;
}

const PERIOD = Duration.minutes(5);

/**
 * A CloudWatch dashboard of the rotations (started, committed, succeeded, failed, timed out),
 * the rejections and security events by reason, the time from create to commit and the
 * scheduler's work, and an alarm on failed or timed-out rotations.
 */
export class RotationMonitoring extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly failureAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RotationMonitoringProps) {
    super(scope, id);
    const { functionNames: fn } = props;
    const metric = (service: string, metricName: MetricName, statistic = 'Sum', label?: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service },
        statistic,
        period: PERIOD,
        ...(label ? { label } : {}),
      });
    // Rejections carry a Reason dimension whose values are known only when they happen.
    const byReason = (service: string, metricName: MetricName, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},Reason,service} MetricName="${metricName}" service="${service}"', 'Sum', ${PERIOD.toSeconds()})`,
        label,
        period: PERIOD,
      });

    const failed = metric(fn.terminal, 'RotationsFailed');
    const timedOut = metric(fn.terminal, 'RotationsTimedOut');
    this.failureAlarm = new cloudwatch.Alarm(this, 'FailedOrTimedOut', {
      alarmName: `${props.namePrefix}RotationsFailedOrTimedOut`,
      alarmDescription: "Certificate rotations failed or timed out: see the notification topic and the job executions' status details",
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
        usingMetrics: { failed, timedOut },
        label: 'failed or timed out',
        period: PERIOD,
      }),
      threshold: props.alarmThreshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic !== undefined) {
      props.alarmTopic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'PublishFromRotationAlarm',
          actions: ['sns:Publish'],
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          resources: [props.alarmTopic.topicArn],
          conditions: { ArnLike: { 'aws:SourceArn': this.failureAlarm.alarmArn } },
        }),
      );
      this.failureAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
      this.failureAlarm.addOkAction(new actions.SnsAction(props.alarmTopic));
    }

    const widgets: cloudwatch.IWidget[][] = [
      [
        new cloudwatch.GraphWidget({
          title: 'Rotations',
          width: 12,
          left: [
            metric(fn.create, 'RotationsStarted', 'Sum', 'started'),
            metric(fn.commit, 'RotationsCommitted', 'Sum', 'committed'),
            metric(fn.terminal, 'RotationsSucceeded', 'Sum', 'succeeded'),
            metric(fn.terminal, 'RotationsFailed', 'Sum', 'failed'),
            metric(fn.terminal, 'RotationsTimedOut', 'Sum', 'timed out'),
          ],
        }),
        new cloudwatch.AlarmStatusWidget({ title: 'Alarm', width: 12, alarms: [this.failureAlarm] }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Create rejections by reason',
          width: 8,
          left: [byReason(fn.create, 'CreateRejected', 'create rejected')],
        }),
        new cloudwatch.GraphWidget({
          title: 'Commit rejections by reason',
          width: 8,
          left: [byReason(fn.commit, 'CommitRejected', 'commit rejected')],
        }),
        new cloudwatch.GraphWidget({
          title: 'Security events by reason',
          width: 8,
          left: [byReason(fn.create, 'SecurityEvents', 'create'), byReason(fn.commit, 'SecurityEvents', 'commit')],
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Seconds from create to commit',
          width: 12,
          left: [
            metric(fn.commit, 'CreateToCommitSeconds', 'Average', 'average'),
            metric(fn.commit, 'CreateToCommitSeconds', 'p90', 'p90'),
            metric(fn.commit, 'CreateToCommitSeconds', 'Maximum', 'maximum'),
          ],
        }),
        ...(fn.scheduler === undefined
          ? []
          : [
              new cloudwatch.GraphWidget({
                title: 'Rotation scheduler',
                width: 12,
                left: [metric(fn.scheduler, 'RotationsScheduled', 'Sum', 'scheduled'), byReason(fn.scheduler, 'SchedulerSkips', 'skipped')],
              }),
            ]),
      ],
    ];
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.namePrefix, widgets });
  }
}

/**
 * CloudWatch alarms cannot publish to a topic encrypted with the AWS managed `alias/aws/sns` key
 * (its key policy is AWS's and does not let CloudWatch use it). A topic that receives the alarm is
 * therefore encrypted with a key of its own, which CloudWatch and the functions that notify may use.
 */
export class NotificationTopicKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'AWS Labs Certificate Rotator: encrypts the notification topic, which CloudWatch alarms publish to',
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
  }

  /**
   * Lets a function publish to the topic: SNS encrypts with the key on the publisher's behalf.
   * Granted on the role, not in the key policy, which would make the key depend on the role that
   * depends on the topic that depends on the key.
   */
  allow(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn] }));
  }
}
