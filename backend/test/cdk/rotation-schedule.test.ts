import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { resolveBackendProps } from '../../lib/backend-props.js';
import { CertificateRotatorBackend } from '../../lib/certificate-rotator-backend.js';
import type { RotationScheduleProps } from '../../lib/rotation-schedule-props.js';
import { expectOnlyLiveAcknowledgements } from './nag-support.js';
import { functionNamed, logicalIdOf, PCA_ARN, synthBackend } from './support.js';

const GROUPS = { thingGroups: ['Fleet'] };

describe('the schedule prop', () => {
  it('applies the documented defaults', () => {
    const schedule = resolveBackendProps({ schedule: GROUPS }).schedule;
    expect(schedule).toMatchObject({
      thingGroups: ['Fleet'],
      renewBeforeDays: 30,
      maxAgeDays: undefined,
      maxRotationsPerRun: 100,
      thingsPerJob: 100,
      callsPerSecond: 5,
      deviceDefender: false,
    });
    expect(schedule?.frequency.expressionString).toBe('rate(1 day)');
  });

  it('renews short-lived Private CA certificates a third of their life before they expire', () => {
    expect(resolveBackendProps({ privateCaArn: PCA_ARN, schedule: GROUPS }).schedule?.renewBeforeDays).toBe(2);
    expect(resolveBackendProps({ privateCaArn: PCA_ARN, pcaValidityInDays: 365, schedule: GROUPS }).schedule?.renewBeforeDays).toBe(30);
  });

  it('turns the expiry rule off with 0 when an age limit is given', () => {
    expect(resolveBackendProps({ schedule: { ...GROUPS, renewBeforeDays: 0, maxAgeDays: 365 } }).schedule).toMatchObject({
      renewBeforeDays: undefined,
      maxAgeDays: 365,
    });
  });

  it.each<[string, RotationScheduleProps, { privateCaArn?: string }]>([
    ['thingGroups', { thingGroups: [] }, {}],
    ['thingGroups', { thingGroups: ['has space'] }, {}],
    ['thingGroups', { thingGroups: ['A', 'A'] }, {}],
    ['renewBeforeDays', { ...GROUPS, renewBeforeDays: -1 }, {}],
    ['renewBeforeDays', { ...GROUPS, renewBeforeDays: 0 }, {}],
    ['renewBeforeDays', { ...GROUPS, renewBeforeDays: 7 }, { privateCaArn: PCA_ARN }],
    ['maxAgeDays', { ...GROUPS, maxAgeDays: 0 }, {}],
    ['frequency', { ...GROUPS, frequency: Schedule.rate(Duration.minutes(5)) }, {}],
    ['frequency', { ...GROUPS, frequency: 'rate(1 day)' as never }, {}],
    ['maxRotationsPerRun', { ...GROUPS, maxRotationsPerRun: 0 }, {}],
    ['thingsPerJob', { ...GROUPS, thingsPerJob: 101 }, {}],
    ['thingsPerJob', { ...GROUPS, maxRotationsPerRun: 1000, thingsPerJob: 5 }, {}],
    ['callsPerSecond', { ...GROUPS, callsPerSecond: 0 }, {}],
  ])('rejects a bad schedule.%s, naming it', (name, schedule, other) => {
    expect(() => resolveBackendProps({ ...other, schedule })).toThrow(new RegExp(`invalid props: .*schedule\\.${name}(\\.\\d+)?: `));
  });
});

describe('the scheduler in the template', () => {
  it('is absent unless asked for', () => {
    const { template } = synthBackend();
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(
      Object.keys(
        template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'AWSLabsCertificateRotatorRotationScheduler' } }),
      ),
    ).toEqual([]);
  });

  it('runs the scheduler function on its EventBridge schedule with the settings in its environment', () => {
    const { template } = synthBackend({
      schedule: { thingGroups: ['Fleet', 'Lab'], maxAgeDays: 180, frequency: Schedule.cron({ hour: '3', minute: '0' }) },
    });
    const fn = functionNamed(template, 'AWSLabsCertificateRotatorRotationScheduler');
    const env = (fn.props['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({
      THING_GROUPS: 'Fleet,Lab',
      RENEW_BEFORE_DAYS: '30',
      MAX_AGE_DAYS: '180',
      MAX_ROTATIONS_PER_RUN: '100',
      THINGS_PER_JOB: '100',
      JOB_DOCUMENT: '{"operation":"ROTATE_CERTIFICATE"}',
      JOB_ID_PREFIX: 'AWSLabsCertificateRotator',
      CALLS_PER_SECOND: '5',
    });
    const templateId = logicalIdOf(template, 'AWS::IoT::JobTemplate', { JobTemplateId: 'AWSLabsCertificateRotator' });
    expect(env['JOB_TEMPLATE_ARN']).toEqual({ 'Fn::GetAtt': [templateId, 'Arn'] });
    expect(fn.props['Timeout']).toBe(900);
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'AWSLabsCertificateRotatorRotationSchedule',
      ScheduleExpression: 'cron(0 3 * * ? *)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fn.id, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600 },
        }),
      ],
    });
    template.resourceCountIs('AWS::IoT::MitigationAction', 0);
  });

  it('routes Device Defender findings through a mitigation action and a topic to the same function', () => {
    const { template } = synthBackend({ schedule: { ...GROUPS, deviceDefender: true } });
    const fn = functionNamed(template, 'AWSLabsCertificateRotatorRotationScheduler');
    const topicId = Object.keys(
      template.findResources('AWS::SNS::Topic', { Properties: { TopicName: 'AWSLabsCertificateRotatorAuditFindings' } }),
    )[0];
    template.hasResourceProperties('AWS::IoT::MitigationAction', {
      ActionName: 'AWSLabsCertificateRotatorRotateCertificate',
      ActionParams: { PublishFindingToSnsParams: { TopicArn: { Ref: topicId } } },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: topicId },
      Endpoint: { 'Fn::GetAtt': [fn.id, 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'iot.amazonaws.com' } })] },
      Policies: [
        { PolicyDocument: { Statement: [Match.objectLike({ Action: 'sns:Publish', Resource: { Ref: topicId } })] }, PolicyName: 'publish' },
      ],
    });
  });

  it.each<[string, RotationScheduleProps]>([
    ['on a schedule', { ...GROUPS }],
    ['with Device Defender and Private CA', { ...GROUPS, deviceDefender: true, maxAgeDays: 30 }],
  ])('leaves no cdk-nag finding unacknowledged %s', (_label, schedule) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    const stack = new Stack(app, 'NagStack');
    new CertificateRotatorBackend(stack, 'Backend', {
      schedule,
      ...(schedule.deviceDefender === true ? { privateCaArn: PCA_ARN, pcaValidityInDays: 90 } : {}),
    });
    expect(new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack).violations).toEqual([]);
    expect(() => app.synth()).not.toThrow();
    expectOnlyLiveAcknowledgements(stack);
  });
});
