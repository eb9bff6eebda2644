import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './nag-acknowledgements.js';
import type { ResolvedRotationSchedule } from './rotation-schedule-props.js';
import { RotatorFunction } from './rotator-function.js';
import { rotationSchedulerStatements } from './scheduler-policies.js';

/** Properties of {@link RotationScheduler}. */
export interface RotationSchedulerProps {
  readonly schedule: ResolvedRotationSchedule;
  readonly namePrefix: string;
  readonly jobTemplate: iot.CfnJobTemplate;
  /** The rotation job document, to recognise rotation jobs whoever created them. */
  readonly jobDocument: string;
  readonly notificationTopic: sns.Topic;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * Rotation before expiry without a person: a function that, on an EventBridge schedule, creates
 * rotation jobs from the job template for the watched cores whose certificate is due, and tells
 * the notification topic what it started and skipped. With `deviceDefender`, Device Defender's
 * certificate audit findings reach the same function through a mitigation action and an SNS topic.
 */
export class RotationScheduler extends Construct {
  /** The deployed function's name (known at synthesis, unlike the function's token). */
  public readonly functionName: string;
  public readonly function: RotatorFunction;
  public readonly rule: events.Rule;
  /** Device Defender only: where the mitigation action publishes findings. */
  public readonly findingsTopic?: sns.Topic;
  /** Device Defender only: apply it to audit findings (`start-audit-mitigation-actions-task`). */
  public readonly mitigationAction?: iot.CfnMitigationAction;

  constructor(scope: Construct, id: string, props: RotationSchedulerProps) {
    super(scope, id);
    const { schedule, namePrefix } = props;
    const jobIdPrefix = namePrefix;
    this.functionName = `${namePrefix}RotationScheduler`;
    this.function = new RotatorFunction(this, 'Function', {
      functionName: this.functionName,
      description: 'AWS Labs Certificate Rotator: starts rotation jobs for certificates that are due',
      handler: 'rotation-scheduler',
      // A run over a large fleet is paced to stay within AWS IoT's API rates.
      timeout: Duration.minutes(15),
      environment: {
        THING_GROUPS: schedule.thingGroups.join(','),
        RENEW_BEFORE_DAYS: schedule.renewBeforeDays === undefined ? '' : String(schedule.renewBeforeDays),
        MAX_AGE_DAYS: schedule.maxAgeDays === undefined ? '' : String(schedule.maxAgeDays),
        MAX_ROTATIONS_PER_RUN: String(schedule.maxRotationsPerRun),
        THINGS_PER_JOB: String(schedule.thingsPerJob),
        JOB_TEMPLATE_ARN: props.jobTemplate.attrArn,
        JOB_DOCUMENT: props.jobDocument,
        JOB_ID_PREFIX: jobIdPrefix,
        SNS_TOPIC_ARN: props.notificationTopic.topicArn,
        CALLS_PER_SECOND: String(schedule.callsPerSecond),
      },
      statements: rotationSchedulerStatements({
        scope: this,
        thingGroups: schedule.thingGroups,
        jobTemplateArn: props.jobTemplate.attrArn,
        jobIdPrefix,
        notificationTopicArn: props.notificationTopic.topicArn,
        deviceDefender: schedule.deviceDefender,
      }),
      // A run that failed half way is safe to repeat (it skips what it started), once.
      asyncInvoke: { retryAttempts: 1, maxEventAge: Duration.hours(1) },
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });

    this.rule = new events.Rule(this, 'Schedule', {
      ruleName: `${namePrefix}RotationSchedule`,
      description: 'AWS Labs Certificate Rotator: looks for certificates due for rotation',
      schedule: schedule.frequency,
      targets: [new targets.LambdaFunction(this.function.function, { retryAttempts: 1, maxEventAge: Duration.hours(1) })],
    });

    props.notificationTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PublishFromRotationScheduler',
        actions: ['sns:Publish'],
        principals: [new iam.ServicePrincipal('lambda.amazonaws.com')],
        resources: [props.notificationTopic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': this.function.function.functionArn } },
      }),
    );

    if (schedule.deviceDefender) {
      const findingsTopic = new sns.Topic(this, 'FindingsTopic', {
        topicName: `${namePrefix}AuditFindings`,
        displayName: 'AWS Labs Certificate Rotator: Device Defender certificate findings',
        masterKey: kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
        enforceSSL: true,
      });
      const role = new iam.Role(this, 'MitigationActionRole', {
        assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
        description: 'Lets AWS IoT Device Defender publish certificate findings for rotation',
        inlinePolicies: {
          publish: new iam.PolicyDocument({
            statements: [new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [findingsTopic.topicArn] })],
          }),
        },
      });
      this.mitigationAction = new iot.CfnMitigationAction(this, 'MitigationAction', {
        actionName: `${namePrefix}RotateCertificate`,
        roleArn: role.roleArn,
        actionParams: { publishFindingToSnsParams: { topicArn: findingsTopic.topicArn } },
      });
      findingsTopic.addSubscription(new subscriptions.LambdaSubscription(this.function.function));
      this.findingsTopic = findingsTopic;
    }

    this.acknowledgeWildcards(schedule.deviceDefender, jobIdPrefix);
  }

  private acknowledgeWildcards(deviceDefender: boolean, jobIdPrefix: string): void {
    const iotArn = (resource: string) => `arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:${resource}`;
    acknowledgeWildcards(this.function.role, [
      {
        resource: '*',
        reason:
          'ListJobs, ListThingPrincipalsV2 and ListPrincipalThingsV2 take no resource ARN the scheduler could name at deploy time; only "*" is accepted.',
      },
      { resource: iotArn('cert/*'), reason: 'The certificates of the watched cores are read; their ids exist only at run time.' },
      {
        resource: iotArn('thing/*'),
        reason: 'Group members are found at run time: their job executions are read, and rotation jobs target them.',
      },
      { resource: iotArn('job/*'), reason: 'Rotation jobs in progress are read whoever created them, with ids of their choosing.' },
      {
        resource: iotArn(`job/${jobIdPrefix}-*`),
        reason: "Only jobs named with the scheduler's own prefix may be created; the rest of the id is the time of the run.",
      },
      ...(deviceDefender
        ? [
            {
              resource: iotArn('thinggroup/*'),
              reason: 'A finding names a certificate; the groups of its things, and their parent groups, are read at run time.',
            },
          ]
        : []),
    ]);
  }
}
