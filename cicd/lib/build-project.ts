import { Duration } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface BuildProjectProps {
  projectName: string;
  /** Path of the buildspec in the source repository. */
  buildSpecPath: string;
  timeout: Duration;
  encryptionKey: kms.IKey;
  /** The project's extra permissions, beyond its logs, reports and the pipeline's artifacts. */
  statements: iam.PolicyStatement[];
  /** Report names in the buildspec's `reports:` section that get a report group exporting to the bucket. */
  reports?: { name: string; exportBucket: s3.IBucket }[];
}

/**
 * A CodeBuild project the pipeline runs: its buildspec is read from the source revision, so a
 * change to a build travels with the code it builds. Node.js 20+ images (standard 7.0).
 */
export class BuildProject extends Construct {
  public readonly project: codebuild.PipelineProject;
  public readonly reportGroups: codebuild.ReportGroup[];

  constructor(scope: Construct, id: string, props: BuildProjectProps) {
    super(scope, id);
    this.project = new codebuild.PipelineProject(this, 'Project', {
      projectName: props.projectName,
      buildSpec: codebuild.BuildSpec.fromSourceFilename(props.buildSpecPath),
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.MEDIUM },
      timeout: props.timeout,
      encryptionKey: props.encryptionKey,
    });
    for (const statement of props.statements) this.project.addToRolePolicy(statement);

    // Created here rather than on first use by CodeBuild, so that raw results are exported to the
    // encrypted artifact bucket and the groups go away with the stack.
    this.reportGroups = (props.reports ?? []).map(
      ({ name, exportBucket }) =>
        new codebuild.ReportGroup(this, `${name}Group`, {
          reportGroupName: `${props.projectName}-${name}`,
          type: codebuild.ReportGroupType.TEST,
          exportBucket,
          zipExport: false,
        }),
    );
    for (const group of this.reportGroups) group.grantWrite(this.project);
  }
}
