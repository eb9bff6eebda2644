import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * Where the pipeline keeps its artifacts and test reports: a versioned bucket encrypted with a
 * customer managed key (CodePipeline, CodeBuild and report exports all use it), TLS only, with
 * server access logs in a second bucket.
 */
export class ArtifactStore extends Construct {
  public readonly key: kms.Key;
  public readonly bucket: s3.Bucket;
  public readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { namePrefix: string }) {
    super(scope, id);

    this.key = new kms.Key(this, 'Key', {
      alias: `${props.namePrefix}/artifacts`,
      description: `${props.namePrefix} pipeline artifacts and test reports`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // S3 server access logging can only deliver to buckets encrypted with S3 managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the artifact bucket access logs; logging its own access would log every log delivery, without end.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'artifacts/',
      // Old pipeline runs' artifacts and reports are not needed for long.
      lifecycleRules: [{ expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(30) }],
    });
  }
}
