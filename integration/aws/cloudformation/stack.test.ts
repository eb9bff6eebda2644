import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../shared/logging/logger.js';
import { LocalAuthorities } from '../model/ca/local-authorities.js';
import { type AwsStandIn, startAwsStandIn } from '../stand-in.js';
import type { StackTarget } from './resource-handler.js';
import { CloudFormationStack, type Template } from './stack.js';

const CODE = fileURLToPath(new URL('../../test/support/aws/lambda-functions/', import.meta.url));
const THINGS = 'arn:aws:iot:us-east-1:123456789012:thing';

function template(allowThings: string, topicName = 'Notices'): Template {
  return {
    Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } },
    Resources: {
      // Declared before what it depends on: the order comes from the references.
      Rule: {
        Type: 'AWS::IoT::TopicRule',
        Properties: {
          RuleName: 'Hello',
          TopicRulePayload: {
            Sql: "SELECT * FROM 'things/+/hello'",
            Actions: [{ Lambda: { FunctionArn: { 'Fn::GetAtt': ['Fn', 'Arn'] } } }],
          },
        },
      },
      Permission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
          Principal: 'iot.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': ['Rule', 'Arn'] },
          SourceAccount: { Ref: 'AWS::AccountId' },
        },
      },
      Fn: {
        Type: 'AWS::Lambda::Function',
        DependsOn: ['Role'],
        Properties: {
          Code: { S3Bucket: { 'Fn::Sub': 'cdk-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: 'describe.zip' },
          Handler: 'describe-thing.handler',
          Runtime: 'nodejs24.x',
          Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
          Timeout: 20,
          MemorySize: 160,
          Environment: { Variables: { TOPIC: { Ref: 'Topic' } } },
        },
      },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          Policies: [
            {
              PolicyName: 'things',
              PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'iot:DescribeThing', Resource: `${THINGS}/${allowThings}` }] },
            },
          ],
        },
      },
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: topicName } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    },
    Outputs: { TopicArn: { Value: { Ref: 'Topic' } } },
  };
}

describe('CloudFormation stacks in the stand-in', () => {
  let standIn: AwsStandIn;
  let target: StackTarget;
  const warnings: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message, fields) => void warnings.push(`${message} ${JSON.stringify(fields)}`),
    error: () => undefined,
  };
  const codeAsked: string[] = [];

  beforeAll(async () => {
    standIn = await startAwsStandIn({ authorities: await LocalAuthorities.create(() => Date.now()), logger });
    standIn.model.registry.things.createThing('allowed-1');
    standIn.model.registry.things.createThing('other-1');
    target = {
      model: standIn.model,
      rules: standIn.rules,
      lambda: standIn.lambda!,
      logger,
      code: (bucket, key) => {
        codeAsked.push(`${bucket}/${key}`);
        return CODE;
      },
    };
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('creates what the template declares, in dependency order, and names what it leaves out', async () => {
    const stack = await CloudFormationStack.create(target, 'Demo', template('allowed-*'));
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:Notices';
    expect(stack.outputs()).toEqual({ TopicArn: topicArn });
    expect(codeAsked).toEqual(['cdk-assets-123456789012-us-east-1/describe.zip']);
    const fn = standIn.lambda!.getFunction(stack.physicalId('Fn'));
    expect(fn).toMatchObject({ handler: 'describe-thing.handler', timeoutSeconds: 20, memoryMb: 160, environment: { TOPIC: topicArn } });
    expect(fn.functionName).toMatch(/^Demo-Fn-[0-9A-F]{12}$/);
    expect(standIn.rules.getTopicRule('Hello').actions).toEqual([{ lambda: { functionArn: fn.functionArn } }]);
    expect(
      warnings.some((w) => w.startsWith('Resource type not modelled by the stand-in; not created') && w.includes('AWS::SQS::Queue')),
    ).toBe(true);

    // A message on the rule's topic reaches the function, which calls AWS IoT as its role.
    standIn.rules.handleMessage({
      topic: 'things/allowed-1/hello',
      payload: Buffer.from(JSON.stringify({ thingName: 'allowed-1' })),
      timestamp: Date.now(),
    });
    await standIn.rules.whenIdle();
    expect(standIn.rules.invocations().map((i) => i.outcome)).toEqual(['succeeded']);
    await stack.delete();
  });

  it('updates in place what changed, and fails an update it cannot make, putting back what it changed', async () => {
    const stack = await CloudFormationStack.create(target, 'Upd', template('allowed-*', 'Updates'));
    const fnName = stack.physicalId('Fn');
    const describe = (thingName: string) => standIn.lambda!.invoke(fnName, { thingName });
    expect(await describe('other-1')).toMatchObject({ error: 'AccessDeniedException' });

    await stack.update(template('*', 'Updates'));
    expect(await describe('other-1')).toEqual({ thingArn: `${THINGS}/other-1` });

    const renamed = template('allowed-*', 'Renamed');
    await expect(stack.update(renamed)).rejects.toThrow(
      /^UPDATE_FAILED Topic \(AWS::SNS::Topic\): the stand-in cannot update this resource type in place/,
    );
    // The role change made before the failure was rolled back with it.
    expect(await describe('other-1')).toEqual({ thingArn: `${THINGS}/other-1` });
    expect(standIn.model.sns.listTopics().map((t) => t.name)).toContain('Updates');
    await stack.delete();
    expect(() => standIn.lambda!.getFunction(fnName)).toThrow(/Function not found/);
  });

  it('rolls back what it created when a resource fails, naming that resource', async () => {
    const failing = template('allowed-*', 'Doomed');
    failing.Resources['Jobs'] = {
      Type: 'AWS::IoT::JobTemplate',
      DependsOn: 'Topic',
      Properties: { JobTemplateId: 'not a valid id!', Description: 'x', Document: '{}' },
    };
    await expect(CloudFormationStack.create(target, 'Doomed', failing)).rejects.toThrow(
      /^CREATE_FAILED Jobs \(AWS::IoT::JobTemplate\): Invalid jobTemplateId/,
    );
    expect(standIn.model.sns.listTopics().map((t) => t.name)).not.toContain('Doomed');
  });

  it('refuses a circular dependency', async () => {
    const circular: Template = {
      Resources: {
        A: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::GetAtt': ['B', 'TopicName'] } } },
        B: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::GetAtt': ['A', 'TopicName'] } } },
      },
    };
    await expect(CloudFormationStack.create(target, 'Loop', circular)).rejects.toThrow('circular dependency: A -> B -> A');
  });
});
