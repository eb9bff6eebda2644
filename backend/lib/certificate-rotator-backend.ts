import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  resolveBackendProps,
  type CertificateIssuerKind,
  type CertificateRotatorBackendProps,
  type ResolvedBackendProps,
} from './backend-props.js';
import { JobExecutionEvents } from './job-execution-events.js';
import { acknowledgeWildcards, type Wildcard } from './nag-acknowledgements.js';
import { NotificationTopicKey, RotationMonitoring } from './rotation-monitoring.js';
import { RotationScheduler } from './rotation-scheduler.js';
import { RotatorFunction } from './rotator-function.js';
import { backendResourceNames, JOB_DOCUMENT, NOTIFICATION_SUBJECT, renderRuleSql } from '../../shared/contract/index.js';
import {
  commitCertificateStatements,
  createCertificateStatements,
  jobExecutionTerminalStatements,
  REPLY_TOPICS,
  type PolicyScope,
} from './rotator-policies.js';
import { RotatorTopicRule } from './rotator-topic-rule.js';

export type { CertificateRotatorBackendProps, JobRolloutSettings, CertificateIssuerKind } from './backend-props.js';
export type { RotationScheduleProps } from './rotation-schedule-props.js';

/**
 * IoT rules invoke their function asynchronously. The device gives up after about 30 s and
 * fails the job itself, so a retried or late event would only act on a rotation that is over.
 */
const RULE_INVOCATION = { retryAttempts: 0, maxEventAge: Duration.seconds(60) } as const;

/**
 * The cloud side of certificate rotation for AWS IoT Greengrass cores: the create, commit and
 * job-execution-terminal functions, the three IoT topic rules that invoke them, the rotation job
 * template, the notification topic, and AWS IoT job execution events switched on.
 *
 * Resource names are those of the original Python backend, so fleets running either component
 * version work against it.
 */
export class CertificateRotatorBackend extends Construct {
  /** Props after defaults and validation. */
  public readonly settings: ResolvedBackendProps;
  /** Who issues new certificates. */
  public readonly issuer: CertificateIssuerKind;
  /** Name of the named shadow holding each thing's rotation progress (= name prefix). */
  public readonly shadowName: string;
  public readonly createCertificate: RotatorFunction;
  public readonly commitCertificate: RotatorFunction;
  public readonly jobExecutionTerminal: RotatorFunction;
  public readonly createCertificateRule: iot.CfnTopicRule;
  public readonly commitCertificateRule: iot.CfnTopicRule;
  public readonly jobExecutionTerminalRule: iot.CfnTopicRule;
  /** Template operators create rotation jobs from (`CreateJob --job-template-arn`). */
  public readonly jobTemplate: iot.CfnJobTemplate;
  /** Where the terminal function reports rotations that need an operator. */
  public readonly notificationTopic: sns.Topic;
  public readonly jobExecutionEvents: JobExecutionEvents;
  /** The rotation scheduler, when the `schedule` prop asks for one. */
  public readonly scheduler?: RotationScheduler;
  /** The CloudWatch dashboard and the alarm on failed or timed-out rotations. */
  public readonly monitoring: RotationMonitoring;

  constructor(scope: Construct, id: string, props: CertificateRotatorBackendProps = {}) {
    super(scope, id);
    const settings = resolveBackendProps(props);
    this.settings = settings;
    this.issuer = settings.issuer;
    const prefix = settings.namePrefix;
    const names = backendResourceNames(prefix);
    const ruleSql = renderRuleSql();
    this.shadowName = names.shadow;
    const policyScope: PolicyScope = { scope: this, shadowName: this.shadowName };
    const logs = { logRetention: settings.logRetention, logRemovalPolicy: settings.logRemovalPolicy };

    const topicKey = settings.monitoring.alarmToNotificationTopic ? new NotificationTopicKey(this, 'NotificationTopicKey') : undefined;
    this.notificationTopic = new sns.Topic(this, 'NotificationTopic', {
      topicName: names.notificationTopic,
      displayName: NOTIFICATION_SUBJECT,
      masterKey: topicKey?.key ?? kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
      enforceSSL: true,
    });

    this.jobTemplate = new iot.CfnJobTemplate(this, 'JobTemplate', {
      jobTemplateId: names.jobTemplate,
      description: 'Rotates the certificate and private key of AWS IoT Greengrass core devices',
      document: JOB_DOCUMENT,
      jobExecutionsRolloutConfig: {
        MaximumPerMinute: settings.rollout.maximumPerMinute,
        ExponentialRolloutRate: {
          BaseRatePerMinute: settings.rollout.baseRatePerMinute,
          IncrementFactor: settings.rollout.incrementFactor,
          RateIncreaseCriteria: { NumberOfSucceededThings: settings.rollout.numberOfSucceededThings },
        },
      },
      timeoutConfig: { InProgressTimeoutInMinutes: settings.inProgressTimeoutMinutes },
    });

    this.createCertificate = new RotatorFunction(this, 'CreateCertificate', {
      functionName: names.functions.createCertificate,
      description: 'AWS Labs Certificate Rotator: CreateCertificate',
      handler: 'create-certificate',
      issuer: settings.issuer,
      // Private CA issuance alone may wait up to 30 s; the rest is a handful of IoT calls
      // with throttling retries. The device waits about 30 s, so more would only widen the
      // window in which a late certificate races the terminal function.
      timeout: Duration.seconds(60),
      environment: {
        JOB_DOCUMENT,
        PCA_CA_ARN: settings.privateCaArn ?? '',
        PCA_VALIDITY_IN_DAYS: String(settings.pcaValidityInDays),
        PCA_SIGNING_ALGORITHM: settings.pcaSigningAlgorithm,
        SHADOW_NAME: this.shadowName,
      },
      statements: createCertificateStatements(policyScope, settings.privateCaArn),
      asyncInvoke: RULE_INVOCATION,
      ...logs,
    });

    this.commitCertificate = new RotatorFunction(this, 'CommitCertificate', {
      functionName: names.functions.commitCertificate,
      description: 'AWS Labs Certificate Rotator: CommitCertificate',
      handler: 'commit-certificate',
      // The original gives 10 s. Under AWS IoT's request-rate quotas a fleet rolling out together needs
      // longer for its throttled calls; 25 s still answers within the core's 30 s wait.
      timeout: Duration.seconds(25),
      environment: { JOB_DOCUMENT, SHADOW_NAME: this.shadowName },
      statements: commitCertificateStatements(policyScope),
      asyncInvoke: RULE_INVOCATION,
      ...logs,
    });

    this.jobExecutionTerminal = new RotatorFunction(this, 'JobExecutionTerminal', {
      functionName: names.functions.jobExecutionTerminal,
      description: 'AWS Labs Certificate Rotator: JobExecutionTerminal',
      handler: 'job-execution-terminal',
      // Deleting a certificate retries DeleteCertificate while DetachThingPrincipal propagates,
      // which can take seconds; nothing waits on this function, so it gets room for that.
      timeout: Duration.seconds(30),
      environment: {
        JOB_DOCUMENT,
        SNS_TOPIC_ARN: this.notificationTopic.topicArn,
        SHADOW_NAME: this.shadowName,
      },
      statements: jobExecutionTerminalStatements(policyScope, this.notificationTopic.topicArn),
      asyncInvoke: RULE_INVOCATION,
      ...logs,
    });

    // Only the terminal function publishes notifications.
    this.notificationTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PublishFromJobExecutionTerminal',
        actions: ['sns:Publish'],
        principals: [new iam.ServicePrincipal('lambda.amazonaws.com')],
        resources: [this.notificationTopic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': this.jobExecutionTerminal.function.functionArn } },
      }),
    );

    this.createCertificateRule = new RotatorTopicRule(this, 'CreateCertificateRule', {
      ruleName: names.rules.createCertificate,
      sql: ruleSql.createCertificate,
      target: this.createCertificate.function,
    }).rule;
    this.commitCertificateRule = new RotatorTopicRule(this, 'CommitCertificateRule', {
      ruleName: names.rules.commitCertificate,
      sql: ruleSql.commitCertificate,
      target: this.commitCertificate.function,
    }).rule;
    this.jobExecutionTerminalRule = new RotatorTopicRule(this, 'JobExecutionTerminalRule', {
      ruleName: names.rules.jobExecutionTerminal,
      sql: ruleSql.jobExecutionTerminal,
      target: this.jobExecutionTerminal.function,
    }).rule;

    this.jobExecutionEvents = new JobExecutionEvents(this, 'JobExecutionEvents', { namePrefix: prefix, ...logs });
    // The terminal rule is useless until the events it listens to are switched on.
    this.jobExecutionTerminalRule.node.addDependency(this.jobExecutionEvents.resource);

    if (settings.schedule !== undefined) {
      this.scheduler = new RotationScheduler(this, 'RotationScheduler', {
        schedule: settings.schedule,
        namePrefix: prefix,
        jobTemplate: this.jobTemplate,
        jobDocument: JOB_DOCUMENT,
        notificationTopic: this.notificationTopic,
        ...logs,
      });
    }

    this.monitoring = new RotationMonitoring(this, 'Monitoring', {
      namePrefix: prefix,
      functionNames: {
        create: names.functions.createCertificate,
        commit: names.functions.commitCertificate,
        terminal: names.functions.jobExecutionTerminal,
        ...(this.scheduler === undefined ? {} : { scheduler: this.scheduler.functionName }),
      },
      alarmThreshold: settings.monitoring.alarmThreshold,
      ...(topicKey === undefined ? {} : { alarmTopic: this.notificationTopic }),
    });
    if (topicKey !== undefined) {
      topicKey.allow(this.jobExecutionTerminal.role);
      if (this.scheduler !== undefined) topicKey.allow(this.scheduler.function.role);
    }

    this.acknowledgeWildcards();
  }

  /** Every wildcard left in the roles, each acknowledged with the reason it cannot be narrower. */
  private acknowledgeWildcards(): void {
    const iotArn = (resource: string) => `arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:${resource}`;
    const unscopedActions: Wildcard = {
      resource: '*',
      reason:
        'DescribeEndpoint, CreateCertificateFromCsr, RegisterCertificateWithoutCA, ListPrincipalPolicies, ' +
        'ListThingPrincipalsV2, AttachThingPrincipal and DetachThingPrincipal have no IAM resource type: only "*" is accepted.',
    };
    const anyCert = (what: string): Wildcard => ({
      resource: iotArn('cert/*'),
      reason: `${what}; certificate ids exist only at run time, for any core of the fleet, so no narrower ARN exists at deploy time.`,
    });
    const anyThing: Wildcard = {
      resource: iotArn('thing/*'),
      reason: 'Job execution data-plane calls are authorised on the thing, and any core of the fleet may rotate.',
    };
    const ourShadow: Wildcard = {
      resource: iotArn(`thing/*/${this.shadowName}`),
      reason: "Only this backend's named shadow; the thing part is any core of the fleet.",
    };
    const replyTopics = (fn: keyof typeof REPLY_TOPICS): Wildcard[] =>
      REPLY_TOPICS[fn].map((topic) => ({
        resource: iotArn(`topic/${topic}`),
        reason: `Only the ${fn} reply topics; the thing-name level is any core of the fleet.`,
      }));
    const anyJob: Wildcard = {
      resource: iotArn('job/*'),
      reason: 'Rotation jobs are created from the template by operators, with job ids of their choosing.',
    };
    const newCert = anyCert(
      "The certificate just issued gets the old one's policies, and is deactivated, detached and deleted again when the rotation fails",
    );
    const leftCert = anyCert('The certificate a rotation leaves behind is described, deactivated, detached and deleted');
    acknowledgeWildcards(this.createCertificate.role, [unscopedActions, newCert, anyThing, ourShadow, ...replyTopics('createCertificate')]);
    acknowledgeWildcards(this.commitCertificate.role, [unscopedActions, anyThing, ourShadow, ...replyTopics('commitCertificate')]);
    acknowledgeWildcards(this.jobExecutionTerminal.role, [unscopedActions, leftCert, ourShadow, anyJob]);
  }
}
