import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Publishes each pipeline execution's end (SUCCEEDED or FAILED) to an encrypted SNS topic. */
export class PipelineNotifications extends Construct {
  public readonly topic: sns.Topic;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: { namePrefix: string; pipeline: codepipeline.IPipeline }) {
    super(scope, id);
    // EventBridge can publish to an encrypted topic only when the key's policy lets it use the
    // key; the AWS managed alias/aws/sns key's policy cannot be changed, hence a key of our own
    // (the SnsTopic target below adds EventBridge to its policy).
    const key = new kms.Key(this, 'Key', {
      alias: `${props.namePrefix}/sns`,
      description: `${props.namePrefix} pipeline notifications`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${props.namePrefix}Notification`,
      displayName: `${props.namePrefix} CI/CD Notification`,
      masterKey: key,
      enforceSSL: true,
    });

    this.rule = props.pipeline.onStateChange('StateChange', {
      description: `${props.namePrefix}: pipeline execution succeeded or failed`,
      eventPattern: { detail: { state: ['SUCCEEDED', 'FAILED'] } },
    });
    const field = (path: string): string => events.EventField.fromPath(path);
    this.rule.addTarget(
      new targets.SnsTopic(this.topic, {
        message: events.RuleTargetInput.fromText(
          `Pipeline ${field('$.detail.pipeline')} ${field('$.detail.state')} in account ${field('$.account')} (execution ${field('$.detail.execution-id')})`,
        ),
      }),
    );
  }
}
