import { beforeAll, describe, expect, it } from 'vitest';
import { JOB_DOCUMENT, renderRuleSql } from '../../../shared/contract/index.js';
import { allow, functionNamed, IOT, logicalIdOf, roleStatements, sortStatements, synthBackend, text, type Synthesized } from './support.js';

const RULE_SQL = renderRuleSql();

const P = 'AWSLabsCertificateRotator';

describe('CertificateRotatorBackend with default props (AWS IoT Core issues)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthBackend();
  });

  const logStatement = (functionName: string) => {
    const logGroupId = logicalIdOf(s.template, 'AWS::Logs::LogGroup', { LogGroupName: `/aws/lambda/${functionName}` });
    return allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [`\${${logGroupId}.Arn}`]);
  };

  it('creates the original resources and nothing unexpected', () => {
    s.template.resourceCountIs('AWS::Lambda::Function', 5); // three rotation functions, custom resource handler, provider framework
    s.template.resourceCountIs('AWS::IoT::TopicRule', 3);
    s.template.resourceCountIs('AWS::IoT::JobTemplate', 1);
    s.template.resourceCountIs('AWS::SNS::Topic', 1);
    s.template.resourceCountIs('AWS::Lambda::Permission', 3);
    s.template.resourceCountIs('AWS::Logs::LogGroup', 5);
    s.template.resourceCountIs('Custom::IotJobExecutionEvents', 1);
    expect(s.template.toJSON().Outputs).toBeUndefined();
  });

  it.each([
    ['CreateCertificate', 60],
    ['CommitCertificate', 25],
    ['JobExecutionTerminal', 30],
    ['CustomResourceJobExecutionEvents', 30],
  ])('deploys %s on Node.js 24 (arm64) with a %i s timeout', (name, timeout) => {
    const fn = functionNamed(s.template, `${P}${name}`);
    expect(fn.props).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', Timeout: timeout });
  });

  it('gives every function its own role', () => {
    const roles = ['CreateCertificate', 'CommitCertificate', 'JobExecutionTerminal', 'CustomResourceJobExecutionEvents'].map(
      (n) => functionNamed(s.template, `${P}${n}`).roleId,
    );
    expect(new Set(roles).size).toBe(4);
    for (const roleId of roles) {
      const role = s.template.toJSON().Resources[roleId].Properties;
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
    }
  });

  it('sets the environment of each function as the original did', () => {
    const env = (name: string) =>
      (functionNamed(s.template, `${P}${name}`).props['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env('CreateCertificate')).toEqual({
      JOB_DOCUMENT,
      PCA_CA_ARN: '',
      PCA_VALIDITY_IN_DAYS: '7',
      PCA_SIGNING_ALGORITHM: 'SHA256WITHRSA',
      SHADOW_NAME: P,
    });
    expect(env('CommitCertificate')).toEqual({ JOB_DOCUMENT, SHADOW_NAME: P });
    const topicId = logicalIdOf(s.template, 'AWS::SNS::Topic', { TopicName: `${P}Notification` });
    expect(env('JobExecutionTerminal')).toEqual({ JOB_DOCUMENT, SNS_TOPIC_ARN: { Ref: topicId }, SHADOW_NAME: P });
  });

  it('invokes the rule targets asynchronously with no retries and a 60 s event age', () => {
    s.template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 3);
    for (const name of ['CreateCertificate', 'CommitCertificate', 'JobExecutionTerminal']) {
      s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionNamed(s.template, `${P}${name}`).id },
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 60,
      });
    }
  });

  it.each(['CreateCertificate', 'CommitCertificate', 'JobExecutionTerminal', 'CustomResourceJobExecutionEvents', 'CustomResourceProvider'])(
    'logs %s to /aws/lambda/<name> with one year retention',
    (name) => {
      const logGroupId = logicalIdOf(s.template, 'AWS::Logs::LogGroup', { LogGroupName: `/aws/lambda/${P}${name}` });
      s.template.hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: `/aws/lambda/${P}${name}`, RetentionInDays: 365 },
        DeletionPolicy: 'Delete',
      });
      expect(functionNamed(s.template, `${P}${name}`).props['LoggingConfig']).toMatchObject({ LogGroup: { Ref: logGroupId } });
    },
  );

  it('lets create-certificate issue with AWS IoT Core, install, and remove what it installed again', () => {
    const fn = `${P}CreateCertificate`;
    expect(sortStatements(roleStatements(s.template, functionNamed(s.template, fn).roleId))).toEqual(
      sortStatements([
        logStatement(fn),
        allow(
          [
            'iot:DescribeEndpoint',
            'iot:CreateCertificateFromCsr',
            'iot:ListPrincipalPolicies',
            'iot:ListThingPrincipalsV2',
            'iot:AttachThingPrincipal',
            'iot:DetachThingPrincipal',
          ],
          ['*'],
        ),
        allow(
          ['iot:DescribeCertificate', 'iot:AttachPolicy', 'iot:UpdateCertificate', 'iot:DetachPolicy', 'iot:DeleteCertificate'],
          [`${IOT}:cert/*`],
        ),
        allow(['iotjobsdata:DescribeJobExecution'], [`${IOT}:thing/*`]),
        allow(['iot:GetThingShadow', 'iot:UpdateThingShadow', 'iot:DeleteThingShadow'], [`${IOT}:thing/*/${P}`]),
        allow(
          ['iot:Publish'],
          [`${IOT}:topic/awslabs/things/*/certificate/create/accepted`, `${IOT}:topic/awslabs/things/*/certificate/create/rejected`],
        ),
      ]),
    );
  });

  it('lets commit-certificate do exactly what section 7.5 lists', () => {
    const fn = `${P}CommitCertificate`;
    expect(sortStatements(roleStatements(s.template, functionNamed(s.template, fn).roleId))).toEqual(
      sortStatements([
        logStatement(fn),
        allow(['iot:DescribeEndpoint', 'iot:ListThingPrincipalsV2'], ['*']),
        allow(['iotjobsdata:DescribeJobExecution'], [`${IOT}:thing/*`]),
        allow(['iot:GetThingShadow', 'iot:UpdateThingShadow'], [`${IOT}:thing/*/${P}`]),
        allow(
          ['iot:Publish'],
          [`${IOT}:topic/awslabs/things/*/certificate/commit/accepted`, `${IOT}:topic/awslabs/things/*/certificate/commit/rejected`],
        ),
      ]),
    );
  });

  it('lets job-execution-terminal do exactly what section 7.5 lists', () => {
    const fn = `${P}JobExecutionTerminal`;
    const topicId = logicalIdOf(s.template, 'AWS::SNS::Topic', { TopicName: `${P}Notification` });
    expect(sortStatements(roleStatements(s.template, functionNamed(s.template, fn).roleId))).toEqual(
      sortStatements([
        logStatement(fn),
        allow(['iot:DescribeEndpoint', 'iot:ListPrincipalPolicies', 'iot:ListThingPrincipalsV2', 'iot:DetachThingPrincipal'], ['*']),
        allow(['iot:DescribeCertificate', 'iot:UpdateCertificate', 'iot:DetachPolicy', 'iot:DeleteCertificate'], [`${IOT}:cert/*`]),
        allow(['iot:GetThingShadow', 'iot:UpdateThingShadow', 'iot:DeleteThingShadow'], [`${IOT}:thing/*/${P}`]),
        allow(['iot:GetJobDocument', 'iot:DescribeJob'], [`${IOT}:job/*`]),
        allow(['sns:Publish'], [`\${${topicId}}`]),
      ]),
    );
  });

  it('lets the custom resource handler only enable event configurations', () => {
    const fn = `${P}CustomResourceJobExecutionEvents`;
    expect(sortStatements(roleStatements(s.template, functionNamed(s.template, fn).roleId))).toEqual(
      sortStatements([logStatement(fn), allow(['iot:UpdateEventConfigurations'], ['*'])]),
    );
  });

  it.each([
    ['CreateCertificate', RULE_SQL.createCertificate],
    ['CommitCertificate', RULE_SQL.commitCertificate],
    ['JobExecutionTerminal', RULE_SQL.jobExecutionTerminal],
  ])('routes the %s rule to its function with the original SQL', (name, sql) => {
    const fn = functionNamed(s.template, `${P}${name}`);
    s.template.hasResourceProperties('AWS::IoT::TopicRule', {
      RuleName: `${P}${name}`,
      TopicRulePayload: {
        Sql: sql,
        AwsIotSqlVersion: '2016-03-23',
        RuleDisabled: false,
        Actions: [{ Lambda: { FunctionArn: { 'Fn::GetAtt': [fn.id, 'Arn'] } } }],
      },
    });
    const ruleId = logicalIdOf(s.template, 'AWS::IoT::TopicRule', { RuleName: `${P}${name}` });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fn.id, 'Arn'] },
      Principal: 'iot.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('defines the job template with the rotation document, rollout and timeout, nothing else', () => {
    const templates = s.template.findResources('AWS::IoT::JobTemplate');
    expect(Object.values(templates).map((t) => t.Properties)).toEqual([
      {
        JobTemplateId: P,
        Description: expect.any(String),
        Document: '{"operation":"ROTATE_CERTIFICATE"}',
        JobExecutionsRolloutConfig: {
          MaximumPerMinute: 100,
          ExponentialRolloutRate: { BaseRatePerMinute: 100, IncrementFactor: 1.2, RateIncreaseCriteria: { NumberOfSucceededThings: 100 } },
        },
        TimeoutConfig: { InProgressTimeoutInMinutes: 5 },
      },
    ]);
  });

  it('encrypts the notification topic with the AWS managed SNS key', () => {
    const topics = Object.values(s.template.findResources('AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    const topic = topics[0]?.Properties;
    expect(topic).toMatchObject({ TopicName: `${P}Notification`, DisplayName: 'AWS Labs Certificate Rotator Notification' });
    expect(text(topic.KmsMasterKeyId)).toBe('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/aws/sns');
  });

  it('lets only the terminal function publish to the topic, and only over TLS', () => {
    const topicId = logicalIdOf(s.template, 'AWS::SNS::Topic', { TopicName: `${P}Notification` });
    const terminal = functionNamed(s.template, `${P}JobExecutionTerminal`);
    const policies = Object.values(s.template.findResources('AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(1);
    const policy = policies[0]?.Properties;
    expect(policy.Topics).toEqual([{ Ref: topicId }]);
    const statements = policy.PolicyDocument.Statement as Record<string, unknown>[];
    expect(statements).toHaveLength(2);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Principal: { Service: 'lambda.amazonaws.com' },
        Resource: { Ref: topicId },
        Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [terminal.id, 'Arn'] } } },
      }),
    );
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('enables job execution events through the provider framework before the terminal rule exists', () => {
    const framework = functionNamed(s.template, `${P}CustomResourceProvider`);
    const handler = functionNamed(s.template, `${P}CustomResourceJobExecutionEvents`);
    const resources = s.template.findResources('Custom::IotJobExecutionEvents');
    const [crId, cr] = Object.entries(resources)[0] ?? [];
    expect(cr?.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [framework.id, 'Arn'] });
    expect(JSON.stringify(framework.props['Environment'])).toContain(handler.id);
    const ruleId = logicalIdOf(s.template, 'AWS::IoT::TopicRule', { RuleName: `${P}JobExecutionTerminal` });
    expect(s.template.toJSON().Resources[ruleId].DependsOn).toContain(crId);
    // The framework may only invoke its handler and write its own log group.
    const frameworkStatements = roleStatements(s.template, framework.roleId);
    expect(frameworkStatements.flatMap((st) => st.actions).sort()).toEqual(
      ['lambda:GetFunction', 'lambda:InvokeFunction', 'logs:CreateLogStream', 'logs:PutLogEvents'].sort(),
    );
    expect(frameworkStatements.flatMap((st) => st.resources).every((r) => r.includes(handler.id) || r.includes('LogGroup'))).toBe(true);
  });

  it('exposes the important resources', () => {
    expect(s.backend.issuer).toBe('iot');
    expect(s.backend.shadowName).toBe(P);
    expect(s.stack.resolve(s.backend.createCertificate.function.functionName)).toEqual({
      Ref: functionNamed(s.template, `${P}CreateCertificate`).id,
    });
    expect(s.backend.jobTemplate.jobTemplateId).toBe(P);
    expect(s.backend.jobExecutionTerminalRule.ruleName).toBe(`${P}JobExecutionTerminal`);
    const topicId = logicalIdOf(s.template, 'AWS::SNS::Topic', { TopicName: `${P}Notification` });
    expect(s.stack.resolve(s.backend.notificationTopic.topicArn)).toEqual({ Ref: topicId });
  });
});
