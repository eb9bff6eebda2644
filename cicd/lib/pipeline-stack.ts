import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import type { Construct } from 'constructs';
import { readGdkConfig } from '../../component/build/gdk-config.js';
import { DEFAULT_NAME_PREFIX } from '../../shared/contract/index.js';
import { ArtifactStore } from './artifact-store.js';
import { BuildProject } from './build-project.js';
import { acknowledgePipelineFindings } from './nag-acknowledgements.js';
import { PLACEHOLDER_CONNECTION_ID, readPipelineContext, type PipelineContext } from './pipeline-context.js';
import { PipelineNotifications } from './pipeline-notifications.js';
import { backendProjectStatements, componentProjectStatements, testProjectStatements, type PolicyScope } from './project-policies.js';

export const PIPELINE_STACK_NAME = `${DEFAULT_NAME_PREFIX}Pipeline`;
/** Report names in the buildspecs' `reports:` sections. */
export const UNIT_TESTS_REPORT = 'UnitTestsReport';
export const INTEGRATION_TESTS_REPORT = 'IntegrationTestsReport';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The CI/CD pipeline: Source (a CodeConnections repository), BuildAndDeploy (backend: test and
 * `cdk deploy`; component: lint, unit tests, GDK build and publish, deployment to the thing
 * group) and Test (the integration suite against the account's cores). Configured from CDK
 * context, like the original.
 */
export class CertificateRotatorPipelineStack extends Stack {
  public readonly settings: PipelineContext;
  public readonly pipeline: codepipeline.Pipeline;
  public readonly projects: { backend: BuildProject; component: BuildProject; test: BuildProject };
  public readonly artifacts: ArtifactStore;
  public readonly notifications: PipelineNotifications;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const context = readPipelineContext(this.node);
    this.settings = context;
    if (context.ConnectionId === PLACEHOLDER_CONNECTION_ID) {
      Annotations.of(this).addWarningV2(
        'cicd:placeholder-connection',
        'ConnectionId is the placeholder from cdk.context.json: pass -c ConnectionId=<your connection ID> before deploying',
      );
    }

    // The component's name and GDK's publish bucket come from gdk-config.json, so they cannot drift.
    const gdk = readGdkConfig(PROJECT_ROOT);
    const prefix = this.stackName;
    const policyScope: PolicyScope = {
      stack: this,
      backendPrefix: DEFAULT_NAME_PREFIX,
      thingGroupName: context.ThingGroupName,
      pcaCaId: context.PcaCaId,
      componentName: gdk.componentName,
      publishBucket: gdk.bucket,
    };

    this.artifacts = new ArtifactStore(this, 'Artifacts', { namePrefix: prefix });
    const key = this.artifacts.key;
    const exportBucket = this.artifacts.bucket;
    this.projects = {
      backend: new BuildProject(this, 'BuildBackend', {
        projectName: `${prefix}BuildBackend`,
        buildSpecPath: 'cicd/buildspec-backend.yaml',
        timeout: Duration.minutes(30),
        encryptionKey: key,
        statements: backendProjectStatements(policyScope),
      }),
      component: new BuildProject(this, 'BuildComponent', {
        projectName: `${prefix}BuildComponent`,
        buildSpecPath: 'cicd/buildspec-component.yaml',
        // Includes waiting up to 15 minutes for the deployment to the thing group.
        timeout: Duration.minutes(45),
        encryptionKey: key,
        statements: componentProjectStatements(policyScope),
        reports: [{ name: UNIT_TESTS_REPORT, exportBucket }],
      }),
      test: new BuildProject(this, 'Test', {
        projectName: `${prefix}Test`,
        buildSpecPath: 'cicd/buildspec-test.yaml',
        timeout: Duration.minutes(120),
        encryptionKey: key,
        statements: testProjectStatements(policyScope),
        reports: [{ name: INTEGRATION_TESTS_REPORT, exportBucket }],
      }),
    };

    this.pipeline = this.createPipeline(context);
    this.notifications = new PipelineNotifications(this, 'Notifications', { namePrefix: prefix, pipeline: this.pipeline });
    acknowledgePipelineFindings({
      bucket: this.artifacts.bucket,
      artifactUsers: [this.pipeline],
      backend: this.projects.backend.project,
      component: this.projects.component.project,
      test: this.projects.test.project,
      componentName: gdk.componentName,
      publishBucket: gdk.bucket,
      backendPrefix: DEFAULT_NAME_PREFIX,
    });
  }

  private createPipeline(context: PipelineContext): codepipeline.Pipeline {
    const source = new codepipeline.Artifact('Source');
    const variable = (value: string): codebuild.BuildEnvironmentVariable => ({ value });
    const sourceAction = new actions.CodeStarConnectionsSourceAction({
      actionName: 'Source',
      output: source,
      connectionArn: this.formatArn({ service: 'codestar-connections', resource: 'connection', resourceName: context.ConnectionId }),
      owner: context.OwnerName,
      repo: context.RepositoryName,
      branch: context.BranchName,
    });
    return new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: this.stackName,
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: this.artifacts.bucket,
      crossAccountKeys: false,
      stages: [
        { stageName: 'Source', actions: [sourceAction] },
        {
          stageName: 'BuildAndDeploy',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'BuildAndDeployBackend',
              project: this.projects.backend.project,
              input: source,
              outputs: [new codepipeline.Artifact('BuildAndDeployBackend')],
              environmentVariables: { PCA_CA_ID: variable(context.PcaCaId) },
            }),
            new actions.CodeBuildAction({
              actionName: 'BuildAndDeployComponent',
              project: this.projects.component.project,
              input: source,
              outputs: [new codepipeline.Artifact('BuildAndDeployComponent')],
              environmentVariables: { THING_GROUP_NAME: variable(context.ThingGroupName) },
            }),
          ],
        },
        {
          stageName: 'Test',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'Test',
              project: this.projects.test.project,
              input: source,
              outputs: [new codepipeline.Artifact('Test')],
              environmentVariables: {
                THING_GROUP_NAME: variable(context.ThingGroupName),
                PCA_CA_ID: variable(context.PcaCaId),
              },
            }),
          ],
        },
      ],
    });
  }
}
