import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CertificateRotatorPipelineStack } from '../lib/pipeline-stack.js';
import { ARN, CONTEXT, actionsOn, projectRole, roleStatements, synthPipeline, type Statement } from './support.js';

const NAME = 'AWSLabsCertificateRotatorPipeline';
const ACCOUNT_REGION = '${AWS::AccountId}-${AWS::Region}';

/** Statements the project's role has besides CDK's own grants (logs, reports, artifacts, key). */
function ownStatements(statements: Statement[]): Statement[] {
  return statements.filter(
    (s) =>
      !s.actions.some((a) => a.startsWith('logs:') || a.startsWith('codebuild:') || a.startsWith('kms:') || a.startsWith('s3:GetObject*')),
  );
}

describe.each([
  ['with a Private CA', CONTEXT],
  ['without a Private CA', { ...CONTEXT, PcaCaId: '' }],
])('pipeline IAM and cdk-nag %s', (_label, context) => {
  let template: Template;
  let stack: CertificateRotatorPipelineStack;
  beforeAll(() => {
    ({ template, stack } = synthPipeline(context));
  });
  const statementsOf = (project: string): Statement[] => roleStatements(template, projectRole(template, `${NAME}${project}`));

  it('lets the backend project only assume the CDK bootstrap roles', () => {
    expect(ownStatements(statementsOf('BuildBackend'))).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        resources: ['deploy', 'file-publishing', 'lookup'].map(
          (kind) => `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-*-${kind}-role-${ACCOUNT_REGION}`,
        ),
      },
    ]);
  });

  it('lets the component project publish the component with GDK and deploy it to the thing group', () => {
    const statements = statementsOf('BuildComponent');
    const component = `${ARN('greengrass')}:components:aws.greengrass.labs.CertificateRotator`;
    expect(actionsOn(statements, component)).toEqual(['greengrass:CreateComponentVersion', 'greengrass:ListComponentVersions']);
    const bucket = `arn:\${AWS::Partition}:s3:::greengrass-certificate-rotator-\${AWS::Region}-\${AWS::AccountId}`;
    expect(actionsOn(statements, bucket)).toEqual(['s3:CreateBucket', 's3:GetBucketLocation', 's3:ListBucket']);
    expect(actionsOn(statements, `${bucket}/*`)).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(actionsOn(statements, '*')).toEqual(['greengrass:CreateDeployment', 'greengrass:ListDeployments']);
    expect(actionsOn(statements, `${ARN('greengrass')}:deployments:*`)).toEqual(['greengrass:GetDeployment']);
    const group = `${ARN('iot')}:thinggroup/${CONTEXT.ThingGroupName}`;
    expect(actionsOn(statements, group)).toEqual([
      'iot:CancelJob',
      'iot:CreateJob',
      'iot:DescribeJob',
      'iot:DescribeThingGroup',
      'iot:UpdateJob',
    ]);
    expect(actionsOn(statements, `${ARN('iot')}:job/*`)).toContain('iot:ListJobExecutionsForJob');
    // Nothing of the test project's fault injection.
    expect(statements.flatMap((s) => s.actions)).not.toContain('lambda:UpdateFunctionConfiguration');
  });

  it('lets the test project run rotations, inject its faults and check certificates', () => {
    const statements = statementsOf('Test');
    expect(actionsOn(statements, `${ARN('iot')}:jobtemplate/AWSLabsCertificateRotator`)).toEqual([
      'iot:CreateJob',
      'iot:DescribeJobTemplate',
    ]);
    expect(actionsOn(statements, `${ARN('iot')}:rule/AWSLabsCertificateRotator*`)).toEqual([
      'iot:DisableTopicRule',
      'iot:EnableTopicRule',
      'iot:GetTopicRule',
    ]);
    expect(actionsOn(statements, `${ARN('lambda')}:function:AWSLabsCertificateRotator*`)).toEqual([
      'lambda:GetFunctionConfiguration',
      'lambda:UpdateFunctionConfiguration',
    ]);
    expect(actionsOn(statements, `${ARN('iot')}:cert/*`)).toEqual(['iot:DescribeCertificate', 'iot:UpdateCertificate']);
    const ca = `${ARN('acm-pca')}:certificate-authority/${context.PcaCaId}`;
    const pca = statements.filter((s) => s.actions.some((a) => a.startsWith('acm-pca:')));
    expect(pca).toEqual(
      context.PcaCaId === '' ? [] : [{ effect: 'Allow', actions: ['acm-pca:DescribeCertificateAuthority'], resources: [ca] }],
    );
  });

  it('leaves no cdk-nag AwsSolutions finding unacknowledged', () => {
    expect(new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack).violations).toEqual([]);
  });

  it('reports no errors or warnings as annotations', () => {
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('gives every acknowledgement a reason', () => {
    const acks = stack.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) => Object.entries(m.data as Record<string, string>)),
      );
    expect(acks.length).toBeGreaterThan(10);
    for (const [id, reason] of acks) expect(reason.length, id).toBeGreaterThan(40);
  });
});

describe('the cdk-nag check itself', () => {
  it('fails synthesis on an unacknowledged wildcard, so the checks above are live', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    const stack = new Stack(app, 'Probe');
    new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      inlinePolicies: {
        p: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['iot:CreateJob'], resources: ['*'] })] }),
      },
    });
    expect(() => app.synth()).toThrow();
  });
});
