import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { CertificateRotatorBackend } from '../../lib/certificate-rotator-backend.js';
import { METRIC_NAMES } from '../../src/metrics/metric-names.js';
import { expectOnlyLiveAcknowledgements } from './nag-support.js';
import { allow, functionNamed, logicalIdOf, roleStatements, synthBackend, text } from './support.js';

const dashboardBody = (template: ReturnType<typeof synthBackend>['template']): string => {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  return text((dashboard as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody);
};

describe('the dashboard and the alarm', () => {
  it('show every metric the functions emit, by the function that emits it', () => {
    const { template } = synthBackend({ schedule: { thingGroups: ['Fleet'] } });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'AWSLabsCertificateRotator' });
    const body = dashboardBody(template);
    for (const name of METRIC_NAMES) expect(body, name).toContain(name);
    expect(body).toContain(
      `SEARCH('{AWSLabsCertificateRotator,Reason,service} MetricName=\\"CreateRejected\\" service=\\"AWSLabsCertificateRotatorCreateCertificate\\"'`,
    );
    expect(body).toContain('"RotationsScheduled","service","AWSLabsCertificateRotatorRotationScheduler"');
  });

  it('alarm on a failed or timed-out rotation, shown only unless asked to notify', () => {
    const { template } = synthBackend();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'AWSLabsCertificateRotatorRotationsFailedOrTimedOut',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(timedOut, 0)', ReturnData: true }),
        Match.objectLike({
          Id: 'failed',
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'AWSLabsCertificateRotator',
              MetricName: 'RotationsFailed',
              Dimensions: [{ Name: 'service', Value: 'AWSLabsCertificateRotatorJobExecutionTerminal' }],
            },
            Stat: 'Sum',
            Period: 300,
          }),
        }),
        Match.objectLike({
          Id: 'timedOut',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'RotationsTimedOut' }) }),
        }),
      ]),
    });
    const [alarm] = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect((alarm as { Properties: Record<string, unknown> }).Properties['AlarmActions']).toBeUndefined();
    const topicId = logicalIdOf(template, 'AWS::SNS::Topic', { TopicName: 'AWSLabsCertificateRotatorNotification' });
    expect(text((template.toJSON().Resources[topicId] as { Properties: { KmsMasterKeyId: unknown } }).Properties.KmsMasterKeyId)).toMatch(
      /:alias\/aws\/sns$/,
    );
  });

  it('notify the topic when asked, through a key CloudWatch and the notifying functions may use', () => {
    const { template } = synthBackend({
      monitoring: { alarmToNotificationTopic: true, alarmThreshold: 3 },
      schedule: { thingGroups: ['Fleet'] },
    });
    const topicId = logicalIdOf(template, 'AWS::SNS::Topic', { TopicName: 'AWSLabsCertificateRotatorNotification' });
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0] ?? '';
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'AWSLabsCertificateRotatorNotification',
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 3,
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
    const keyPolicy = text((template.findResources('AWS::KMS::Key')[keyId] as { Properties: { KeyPolicy: unknown } }).Properties.KeyPolicy);
    expect(keyPolicy).toContain('cloudwatch.amazonaws.com');
    for (const fn of ['AWSLabsCertificateRotatorJobExecutionTerminal', 'AWSLabsCertificateRotatorRotationScheduler']) {
      const statements = roleStatements(template, functionNamed(template, fn).roleId);
      expect(statements, fn).toContainEqual(allow(['kms:Decrypt', 'kms:GenerateDataKey'], [`\${${keyId}.Arn}`]));
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'PublishFromRotationAlarm', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('leave no cdk-nag finding unacknowledged', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    const stack = new Stack(app, 'NagStack');
    new CertificateRotatorBackend(stack, 'Backend', {
      monitoring: { alarmToNotificationTopic: true },
      schedule: { thingGroups: ['Fleet'] },
    });
    expect(new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack).violations).toEqual([]);
    expectOnlyLiveAcknowledgements(stack);
  });
});
