import { CustomResource, Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { backendResourceNames } from '../../shared/contract/index.js';
import { acknowledgeWildcards } from './nag-acknowledgements.js';
import { RotatorFunction } from './rotator-function.js';
import { jobExecutionEventsStatements } from './rotator-policies.js';

/** Properties of {@link JobExecutionEvents}. */
export interface JobExecutionEventsProps {
  /** Prefix of the function names. */
  readonly namePrefix: string;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * Turns on AWS IoT's JOB_EXECUTION events (off by default in an account) on create and update,
 * because the job-execution-terminal rule listens to them. Deleting the stack leaves them on:
 * other applications in the account may rely on them too.
 */
export class JobExecutionEvents extends Construct {
  /** The function that calls UpdateEventConfigurations. */
  public readonly handler: RotatorFunction;
  public readonly provider: Provider;
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: JobExecutionEventsProps) {
    super(scope, id);

    const functionName = backendResourceNames(props.namePrefix).jobExecutionEventsFunction;
    this.handler = new RotatorFunction(this, 'OnEvent', {
      functionName,
      description: 'AWS Labs Certificate Rotator: enables AWS IoT job execution events',
      handler: 'job-execution-events',
      timeout: Duration.seconds(30),
      environment: {},
      statements: jobExecutionEventsStatements(),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    acknowledgeWildcards(this.handler.role, [
      { resource: '*', reason: 'iot:UpdateEventConfigurations has no IAM resource type; it can only be granted on "*".' },
    ]);

    // The framework's own function gets an explicit log group and a role without the AWS
    // managed AWSLambdaBasicExecutionRole policy, so its log permissions are scoped too.
    const providerFunctionName = `${props.namePrefix}CustomResourceProvider`;
    const frameworkLogGroup = new logs.LogGroup(this, 'ProviderLogGroup', {
      logGroupName: `/aws/lambda/${providerFunctionName}`,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    const frameworkRole = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${providerFunctionName}`,
      inlinePolicies: {
        logs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [frameworkLogGroup.logGroupArn],
            }),
          ],
        }),
      },
    });

    this.provider = new Provider(this, 'Provider', {
      onEventHandler: this.handler.function,
      providerFunctionName,
      frameworkOnEventRole: frameworkRole,
      logGroup: frameworkLogGroup,
    });

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::IotJobExecutionEvents',
    });

    const handlerLogicalId = Stack.of(this).resolve((this.handler.function.node.defaultChild as CfnFunction).logicalId);
    acknowledgeWildcards(frameworkRole, [
      {
        resource: `<${handlerLogicalId}.Arn>:*`,
        reason: 'The provider framework may invoke any version or alias of its handler (CDK grantInvoke adds "<arn>:*").',
      },
    ]);
  }
}
