import { randomUUID } from 'node:crypto';
import {
  record,
  stringProp,
  type Created,
  type DeployedResource,
  type ResourceContext,
  type ResourceHandler,
} from '../resource-handler.js';

type RequestType = 'Create' | 'Update' | 'Delete';

/**
 * A custom resource served by the CDK provider framework (aws-cdk-lib custom-resources Provider):
 * the framework function's environment names the user's onEvent function, which the framework
 * invokes with the CloudFormation request and whose answer becomes the resource. The stand-in
 * plays the framework's part itself (checking that the framework's role may invoke the handler),
 * then invokes the handler as Lambda would, with its own role. Other providers answer on an S3
 * presigned URL, which the stand-in does not serve: they are refused by name.
 */
async function runProvider(
  requestType: RequestType,
  props: Record<string, unknown>,
  ctx: ResourceContext,
  current?: DeployedResource,
): Promise<Created> {
  const { lambda, model } = ctx.target;
  const serviceToken = stringProp(props, 'ServiceToken', ctx);
  const framework = lambda.getFunction(serviceToken);
  const onEvent = framework.environment['USER_ON_EVENT_FUNCTION_ARN'];
  if (onEvent === undefined) {
    throw new Error(
      `${ctx.logicalId}: the provider ${serviceToken} is not the CDK provider framework, the one kind of custom resource provider the stand-in runs`,
    );
  }
  if (framework.environment['USER_IS_COMPLETE_FUNCTION_ARN'] !== undefined) {
    throw new Error(`${ctx.logicalId}: providers with an isComplete handler are not run by the stand-in`);
  }
  const roleName = framework.roleArn.split('/').at(-1) ?? '';
  model.iam.authorize(model.iam.sessionFor(roleName, framework.functionName), {
    action: 'lambda:InvokeFunction',
    resources: [onEvent],
    secureTransport: true,
  });
  const requestId = randomUUID();
  const event = {
    RequestType: requestType,
    ServiceToken: serviceToken,
    ResponseURL: `https://cloudformation-custom-resource-response-${model.region}.s3.amazonaws.com/${requestId}`,
    StackId: ctx.stackId,
    RequestId: requestId,
    LogicalResourceId: ctx.logicalId,
    ResourceType: ctx.type,
    ResourceProperties: props,
    ...(current ? { PhysicalResourceId: current.physicalId } : {}),
    ...(requestType === 'Update' && current ? { OldResourceProperties: current.properties } : {}),
  };
  const answer = record(await lambda.invoke(onEvent, event));
  const physicalId = typeof answer['PhysicalResourceId'] === 'string' ? answer['PhysicalResourceId'] : (current?.physicalId ?? requestId);
  return {
    physicalId,
    attributes: record(answer['Data']),
    remove: async () => {
      await lambda.invoke(onEvent, { ...event, RequestType: 'Delete', RequestId: randomUUID(), PhysicalResourceId: physicalId });
    },
  };
}

export const customResource: ResourceHandler = {
  create: (props, ctx) => runProvider('Create', props, ctx),
  update: (current, props, ctx) =>
    JSON.stringify(current.properties) === JSON.stringify(props)
      ? { physicalId: current.physicalId, attributes: current.attributes, ...(current.remove ? { remove: current.remove } : {}) }
      : runProvider('Update', props, ctx, current),
};
