import { Match, type Template } from 'aws-cdk-lib/assertions';
import { SYNTHESIS_TIMEOUT_MS } from '../../shared/test/support/timeouts.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARN, CONTEXT, projectRole, synthPipeline, text } from './support.js';

const NAME = 'AWSLabsCertificateRotatorPipeline';

describe('pipeline stack template', () => {
  let template: Template;
  beforeAll(() => {
    template = synthPipeline().template;
  }, SYNTHESIS_TIMEOUT_MS);

  it('is a V2 pipeline with Source, BuildAndDeploy and Test stages', () => {
    const [pipeline] = Object.values(template.findResources('AWS::CodePipeline::Pipeline'));
    const props = pipeline?.['Properties'] as Record<string, unknown>;
    expect(props['Name']).toBe(NAME);
    expect(props['PipelineType']).toBe('V2');
    const stages = props['Stages'] as {
      Name: string;
      Actions: { Name: string; ActionTypeId: { Provider: string }; Configuration: Record<string, unknown> }[];
    }[];
    expect(stages.map((s) => [s.Name, s.Actions.map((a) => `${a.Name}:${a.ActionTypeId.Provider}`)])).toEqual([
      ['Source', ['Source:CodeStarSourceConnection']],
      ['BuildAndDeploy', ['BuildAndDeployBackend:CodeBuild', 'BuildAndDeployComponent:CodeBuild']],
      ['Test', ['Test:CodeBuild']],
    ]);
    const source = stages[0]?.Actions[0]?.Configuration ?? {};
    expect(text(source['ConnectionArn'])).toBe(`${ARN('codestar-connections')}:connection/${CONTEXT.ConnectionId}`);
    expect(source['FullRepositoryId']).toBe(`${CONTEXT.OwnerName}/${CONTEXT.RepositoryName}`);
    expect(source['BranchName']).toBe(CONTEXT.BranchName);
  });

  it('passes the thing group and Private CA to the actions that need them', () => {
    const [pipeline] = Object.values(template.findResources('AWS::CodePipeline::Pipeline'));
    const stages = (pipeline?.['Properties'] as { Stages: { Actions: { Name: string; Configuration: Record<string, unknown> }[] }[] })
      .Stages;
    const env = Object.fromEntries(
      stages
        .flatMap((s) => s.Actions)
        .filter((a) => a.Configuration['EnvironmentVariables'])
        .map((a) => [
          a.Name,
          Object.fromEntries(
            (JSON.parse(String(a.Configuration['EnvironmentVariables'])) as { name: string; value: string }[]).map((v) => [
              v.name,
              v.value,
            ]),
          ),
        ]),
    );
    expect(env).toEqual({
      BuildAndDeployBackend: { PCA_CA_ID: CONTEXT.PcaCaId },
      BuildAndDeployComponent: { THING_GROUP_NAME: CONTEXT.ThingGroupName },
      Test: { THING_GROUP_NAME: CONTEXT.ThingGroupName, PCA_CA_ID: CONTEXT.PcaCaId },
    });
  });

  it.each([
    ['BuildBackend', 'cicd/buildspec-backend.yaml'],
    ['BuildComponent', 'cicd/buildspec-component.yaml'],
    ['Test', 'cicd/buildspec-test.yaml'],
  ])('runs the %s project on a Node.js 20 image with its buildspec from the source', (name, buildspec) => {
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Name: `${NAME}${name}`,
      Source: { Type: 'CODEPIPELINE', BuildSpec: buildspec },
      Environment: Match.objectLike({ Image: 'aws/codebuild/standard:7.0', PrivilegedMode: false }),
      EncryptionKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ArtifactsKey'), 'Arn'] },
    });
  });

  it('keeps artifacts in a versioned, KMS-encrypted, TLS-only bucket with access logs', () => {
    const buckets = template.findResources('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
          ],
        },
      },
    });
    const [[logicalId, bucket] = []] = Object.entries(buckets);
    expect(Object.keys(buckets)).toHaveLength(1);
    const props = bucket?.['Properties'] as Record<string, unknown>;
    expect(props['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    expect(
      text(
        (
          props['BucketEncryption'] as {
            ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { KMSMasterKeyID: unknown } }[];
          }
        ).ServerSideEncryptionConfiguration[0]?.ServerSideEncryptionByDefault.KMSMasterKeyID,
      ),
    ).toMatch(/^\$\{ArtifactsKey.+\.Arn\}$/);
    expect(props['LoggingConfiguration']).toMatchObject({ LogFilePrefix: 'artifacts/' });
    expect(props['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    const [pipeline] = Object.values(template.findResources('AWS::CodePipeline::Pipeline'));
    expect(text((pipeline?.['Properties'] as { ArtifactStore: { Location: unknown } }).ArtifactStore.Location)).toBe(`\${${logicalId}}`);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: Match.stringLikeRegexp('artifacts') });
  });

  it('has a unit and an integration test report group, exported to the artifact bucket', () => {
    const groups = Object.values(template.findResources('AWS::CodeBuild::ReportGroup')).map(
      (g) => g['Properties'] as Record<string, unknown>,
    );
    expect(groups.map((g) => [g['Name'], g['Type']]).sort()).toEqual([
      [`${NAME}BuildComponent-UnitTestsReport`, 'TEST'],
      [`${NAME}Test-IntegrationTestsReport`, 'TEST'],
    ]);
    for (const g of groups) {
      expect(text((g['ExportConfig'] as { S3Destination: { Bucket: unknown } }).S3Destination.Bucket)).toMatch(/^\$\{ArtifactsBucket/);
    }
  });

  it('publishes SUCCEEDED and FAILED pipeline executions to an encrypted SNS topic', () => {
    const topics = template.findResources('AWS::SNS::Topic', { Properties: { TopicName: `${NAME}Notification` } });
    const [topicId] = Object.keys(topics);
    expect(topicId).toBeDefined();
    expect(text(topics[topicId!]?.['Properties']['KmsMasterKeyId'])).toMatch(/^\$\{NotificationsKey.+\.Arn\}$/);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.codepipeline'], detail: { state: ['SUCCEEDED', 'FAILED'] } }),
      Targets: [Match.objectLike({ Arn: { Ref: topicId } })],
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: Match.arrayWith(['kms:Decrypt']) }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('gives no role a wildcard action', () => {
    const roles = Object.keys(template.findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(3);
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      const statements = (policy['Properties'] as { PolicyDocument: { Statement: { Action: string | string[] }[] } }).PolicyDocument
        .Statement;
      for (const s of statements) expect([s.Action].flat()).not.toContain('*');
    }
    expect(projectRole(template, `${NAME}Test`)).toMatch(/^TestProjectRole/);
  });
});
