import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HANDLER_RUNTIME, handlerEntry, type HandlerName } from './handler-bundling.js';
import { handlerCode, LAMBDA_HANDLER } from './handler-code.js';

/** Properties of {@link RotatorFunction}. */
export interface RotatorFunctionProps {
  /** Physical function name; the log group is `/aws/lambda/<functionName>`. */
  readonly functionName: string;
  readonly description: string;
  readonly handler: HandlerName;
  /** The backend's issuer: create-certificate is then bundled with that issuer only (see handlerEntry). */
  readonly issuer?: 'iot' | 'pca';
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
  /** What the function may do besides writing its own logs. */
  readonly statements: readonly iam.PolicyStatement[];
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /**
   * Settings for asynchronous invocation (IoT rules invoke asynchronously). A device retries
   * by itself, so a failed or stale event is dropped rather than retried.
   * @default - Lambda's defaults (for synchronously invoked functions)
   */
  readonly asyncInvoke?: { readonly retryAttempts: number; readonly maxEventAge: Duration };
}

/**
 * One backend function: the bundled handler, its own log group with a retention, and its own
 * role that can write only to that log group and do only what `statements` allow.
 */
export class RotatorFunction extends Construct {
  public readonly function: LambdaFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RotatorFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    // The log group is created above, so the role needs no logs:CreateLogGroup. Its ARN attribute
    // ends in `:*`, which covers the group's log streams.
    const logStatement = new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.logGroupArn],
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
      inlinePolicies: {
        [props.handler]: new iam.PolicyDocument({ statements: [logStatement, ...props.statements] }),
      },
    });

    this.function = new LambdaFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      code: handlerCode(handlerEntry(props.handler, props.issuer)),
      handler: LAMBDA_HANDLER,
      runtime: HANDLER_RUNTIME,
      // The bundle is plain JavaScript, so the cheaper Graviton architecture costs nothing.
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout,
      environment: { ...props.environment },
      role: this.role,
      logGroup: this.logGroup,
      ...(props.asyncInvoke ?? {}),
    });
  }
}
