import { CreateThingCommand, DescribeEndpointCommand, DescribeThingCommand, DeleteThingCommand, IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from '../../test/support/aws/http.js';
import { parsePolicyDocument } from './policy-document.js';

const IOT = 'arn:aws:iot:us-east-1:123456789012';
const ROLE = 'RotatorFunctionRole';
const SESSION = 'AWSLabsCertificateRotatorCreateCertificate';
const USER = `User: arn:aws:sts::123456789012:assumed-role/${ROLE}/${SESSION}`;
const LAMBDA_TRUST = { Statement: { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' } };

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to be refused');
}

describe('IAM on the stand-in APIs, for requests signed with a role session', () => {
  let fx: ApiFixture;
  let admin: IoTClient;
  let iot: IoTClient;
  let data: IoTDataPlaneClient;
  let sns: SNSClient;
  let topicArn: string;

  beforeAll(async () => {
    fx = await startApiFixture();
    admin = new IoTClient({ ...fx.clientConfig, maxAttempts: 1 });
    await admin.send(new CreateThingCommand({ thingName: 'core-1' }));
    await admin.send(new CreateThingCommand({ thingName: 'other' }));
    topicArn = fx.model.sns.createTopic('Notification').topicArn;
    const iam = fx.model.iam;
    iam.createRole(ROLE, parsePolicyDocument(LAMBDA_TRUST, 'trust'));
    iam.putRolePolicy(
      ROLE,
      'rotator',
      parsePolicyDocument(
        {
          Statement: [
            { Effect: 'Allow', Action: 'iot:DescribeThing', Resource: `${IOT}:thing/core-*` },
            { Effect: 'Allow', Action: 'iot:DeleteThing', Resource: `${IOT}:thing/*` },
            { Effect: 'Deny', Action: 'iot:DeleteThing', Resource: `${IOT}:thing/core-*` },
            { Effect: 'Allow', Action: 'iot:UpdateThingShadow', Resource: `${IOT}:thing/*/AWSLabsCertificateRotator` },
            { Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn },
          ],
        },
        'rotator',
      ),
    );
    const credentials = iam.assumeRole(ROLE, SESSION);
    const asRole = { ...fx.clientConfig, credentials, maxAttempts: 1 };
    iot = new IoTClient(asRole);
    data = new IoTDataPlaneClient(asRole);
    sns = new SNSClient(asRole);
  });
  afterAll(async () => {
    for (const client of [admin, iot, data, sns]) client.destroy();
    await fx.close();
  });

  it('lets the role do what its policies allow', async () => {
    await expect(iot.send(new DescribeThingCommand({ thingName: 'core-1' }))).resolves.toMatchObject({ thingName: 'core-1' });
    await expect(
      data.send(
        new UpdateThingShadowCommand({
          thingName: 'core-1',
          shadowName: 'AWSLabsCertificateRotator',
          payload: Buffer.from('{"state":{"reported":{"a":1}}}'),
        }),
      ),
    ).resolves.toBeDefined();
    await expect(sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'hello' }))).resolves.toHaveProperty('MessageId');
  });

  it('refuses anything else with AccessDeniedException, naming the action and the resource as AWS does', async () => {
    const error = await failure(iot.send(new DescribeThingCommand({ thingName: 'other' })));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      `${USER} is not authorized to perform: iot:DescribeThing on resource: ${IOT}:thing/other because no identity-based policy allows the iot:DescribeThing action`,
    );
    const shadow = await failure(
      data.send(
        new UpdateThingShadowCommand({ thingName: 'core-1', shadowName: 'Other', payload: Buffer.from('{"state":{"reported":{}}}') }),
      ),
    );
    expect(shadow.message).toContain(`iot:UpdateThingShadow on resource: ${IOT}:thing/core-1/Other because`);
  });

  it('names no resource for an action that has no resource type', async () => {
    const error = await failure(iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' })));
    expect(error.message).toBe(
      `${USER} is not authorized to perform: iot:DescribeEndpoint because no identity-based policy allows the iot:DescribeEndpoint action`,
    );
  });

  it('says when an explicit Deny refused it, and changes nothing', async () => {
    const error = await failure(iot.send(new DeleteThingCommand({ thingName: 'core-1' })));
    expect(error.message).toBe(
      `${USER} is not authorized to perform: iot:DeleteThing on resource: ${IOT}:thing/core-1 with an explicit deny in an identity-based policy`,
    );
    await expect(admin.send(new DescribeThingCommand({ thingName: 'core-1' }))).resolves.toMatchObject({ thingName: 'core-1' });
  });

  it('answers SNS with its own AuthorizationError, and weighs the topic policy', async () => {
    const other = fx.model.sns.createTopic('Other').topicArn;
    const error = await failure(sns.send(new PublishCommand({ TopicArn: other, Message: 'x' })));
    expect(error.name).toBe('AuthorizationErrorException');
    expect(error.message).toBe(
      `${USER} is not authorized to perform: SNS:Publish on resource: ${other} because no identity-based policy allows the SNS:Publish action`,
    );
    fx.model.iam.setResourcePolicy(
      topicArn,
      parsePolicyDocument(
        {
          Statement: {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: topicArn,
            Condition: { StringLike: { 'aws:userid': '*:AWSLabs*' } },
          },
        },
        'topic',
      ),
    );
    const denied = await failure(sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'x' })));
    expect(denied.message).toContain('with an explicit deny in a resource-based policy');
    expect(fx.model.sns.messages(topicArn).map((m) => m.message)).toEqual(['hello']);
  });

  it('does not check the account administrator (any key the stand-in did not issue)', async () => {
    await expect(admin.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }))).resolves.toHaveProperty('endpointAddress');
  });
});
