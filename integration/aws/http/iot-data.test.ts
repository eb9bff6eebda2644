import {
  CreateThingCommand,
  CreateTopicRuleCommand,
  DescribeEndpointCommand,
  DisableTopicRuleCommand,
  EnableTopicRuleCommand,
  GetTopicRuleCommand,
  InvalidRequestException,
  IoTClient,
  ListThingPrincipalsV2Command,
  ResourceAlreadyExistsException,
  ThrottlingException,
} from '@aws-sdk/client-iot';
import {
  ConflictException,
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  IoTDataPlaneClient,
  PublishCommand,
  ResourceNotFoundException,
  ThrottlingException as DataThrottlingException,
  UpdateThingShadowCommand,
} from '@aws-sdk/client-iot-data-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from '../../test/support/aws/http.js';

const SHADOW = 'AWSLabsCertificateRotator';
const json = (bytes: Uint8Array | undefined): unknown => JSON.parse(Buffer.from(bytes ?? []).toString('utf8'));

describe('AWS IoT data plane, endpoint discovery, topic rules and throttling over HTTP', () => {
  let fx: ApiFixture;
  let iot: IoTClient;
  let data: IoTDataPlaneClient;

  beforeAll(async () => {
    fx = await startApiFixture();
    iot = new IoTClient({ ...fx.clientConfig, maxAttempts: 1 });
    await iot.send(new CreateThingCommand({ thingName: 'core-1' }));
    // As the backend does: the data-plane endpoint comes from DescribeEndpoint.
    const { endpointAddress } = await iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
    data = new IoTDataPlaneClient({ ...fx.clientConfig, endpoint: `https://${endpointAddress}`, maxAttempts: 1 });
  });
  afterAll(() => fx.close());

  it('answers every endpoint type with its address as AWS gives one, host and port without a scheme', async () => {
    for (const endpointType of ['iot:Data-ATS', 'iot:Jobs', 'iot:CredentialProvider']) {
      const { endpointAddress } = await iot.send(new DescribeEndpointCommand({ endpointType }));
      expect(endpointAddress).toBe(fx.api.address);
      expect(endpointAddress).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(`https://${endpointAddress}`).toBe(fx.api.endpoint);
    }
    await expect(iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Other' }))).rejects.toBeInstanceOf(InvalidRequestException);
  });

  it('writes, reads and deletes a named shadow the way the rotation functions use it', async () => {
    const reported = { progress: 'created', oldCertificateId: 'a'.repeat(64), newCertificateId: 'b'.repeat(64) };
    const updated = await data.send(
      new UpdateThingShadowCommand({
        thingName: 'core-1',
        shadowName: SHADOW,
        payload: Buffer.from(JSON.stringify({ state: { reported } })),
      }),
    );
    expect(json(updated.payload)).toMatchObject({ state: { reported }, version: 1 });

    const got = await data.send(new GetThingShadowCommand({ thingName: 'core-1', shadowName: SHADOW }));
    expect(json(got.payload)).toMatchObject({ state: { reported }, version: 1 });
    await expect(data.send(new GetThingShadowCommand({ thingName: 'core-1' }))).rejects.toBeInstanceOf(ResourceNotFoundException);

    await expect(
      data.send(
        new UpdateThingShadowCommand({
          thingName: 'core-1',
          shadowName: SHADOW,
          payload: Buffer.from(JSON.stringify({ state: { reported: { progress: 'committed' } }, version: 7 })),
        }),
      ),
    ).rejects.toBeInstanceOf(ConflictException);

    const deleted = await data.send(new DeleteThingShadowCommand({ thingName: 'core-1', shadowName: SHADOW }));
    expect(json(deleted.payload)).toMatchObject({ version: 1 });
    await expect(data.send(new GetThingShadowCommand({ thingName: 'core-1', shadowName: SHADOW }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('applies a versioned update only at the latest version; a shadow made again continues from the deleted one', async () => {
    const update = (body: unknown) =>
      data.send(new UpdateThingShadowCommand({ thingName: 'core-1', shadowName: 'versioned', payload: Buffer.from(JSON.stringify(body)) }));
    // Never existed: the latest version is 0.
    await expect(update({ state: { reported: { a: 1 } }, version: 3 })).rejects.toBeInstanceOf(ConflictException);
    expect(json((await update({ state: { reported: { a: 1 } }, version: 0 })).payload)).toMatchObject({ version: 1 });
    const stale = await update({ state: { reported: { a: 2 } }, version: 0 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictException);
    expect((stale as ConflictException).$metadata.httpStatusCode).toBe(409);
    expect((stale as Error).message).toBe('Version conflict');
    expect(json((await update({ state: { reported: { a: 2 } }, version: 1 })).payload)).toMatchObject({ version: 2 });
    await data.send(new DeleteThingShadowCommand({ thingName: 'core-1', shadowName: 'versioned' }));
    expect(json((await update({ state: { reported: { a: 3 } }, version: 2 })).payload)).toMatchObject({
      version: 3,
      state: { reported: { a: 3 } },
    });
  });

  it('refuses a shadow update that is not JSON', async () => {
    const error = await data
      .send(new UpdateThingShadowCommand({ thingName: 'core-1', shadowName: SHADOW, payload: Buffer.from('{nope') }))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('InvalidRequestException');
  });

  it('hands Publish to the broker with its topic, payload and QoS', async () => {
    const topic = 'awslabs/things/core-1/certificate/create/accepted';
    await data.send(new PublishCommand({ topic, qos: 0, payload: Buffer.from('{"certificatePem":"x"}') }));
    await data.send(new PublishCommand({ topic: '$aws/things/core-1/jobs/notify', qos: 1, payload: Buffer.from('{}') }));
    expect(fx.published).toEqual([
      { topic, payload: '{"certificatePem":"x"}', qos: 0 },
      { topic: '$aws/things/core-1/jobs/notify', payload: '{}', qos: 1 },
    ]);
    await expect(data.send(new PublishCommand({ topic: 'a/+/b', payload: Buffer.from('{}') }))).rejects.toSatisfy(
      (e) => (e as Error).name === 'InvalidRequestException',
    );
  });

  it('creates, reads, disables and enables topic rules through the rules handle', async () => {
    const sql = "SELECT *, topic(3) AS thingName FROM 'awslabs/things/+/certificate/create'";
    const functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:AWSLabsCertificateRotatorCreateCertificate';
    await iot.send(
      new CreateTopicRuleCommand({
        ruleName: 'AWSLabsCertificateRotatorCreateCertificate',
        topicRulePayload: { sql, awsIotSqlVersion: '2016-03-23', actions: [{ lambda: { functionArn } }] },
      }),
    );
    const got = await iot.send(new GetTopicRuleCommand({ ruleName: 'AWSLabsCertificateRotatorCreateCertificate' }));
    expect(got.rule).toMatchObject({ sql, ruleDisabled: false, actions: [{ lambda: { functionArn } }] });
    expect(got.ruleArn).toContain(':rule/AWSLabsCertificateRotatorCreateCertificate');

    await iot.send(new DisableTopicRuleCommand({ ruleName: 'AWSLabsCertificateRotatorCreateCertificate' }));
    expect(fx.rules.get('AWSLabsCertificateRotatorCreateCertificate')?.ruleDisabled).toBe(true);
    await iot.send(new EnableTopicRuleCommand({ ruleName: 'AWSLabsCertificateRotatorCreateCertificate' }));
    expect(fx.rules.get('AWSLabsCertificateRotatorCreateCertificate')?.ruleDisabled).toBe(false);
    await expect(
      iot.send(
        new CreateTopicRuleCommand({ ruleName: 'AWSLabsCertificateRotatorCreateCertificate', topicRulePayload: { sql, actions: [] } }),
      ),
    ).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
  });

  it('throttles the next N calls of one operation without touching the model', async () => {
    fx.api.throttleNext('iot:ListThingPrincipalsV2', 2);
    fx.api.throttleNext('iot-data:UpdateThingShadow', 1);
    const call = () => iot.send(new ListThingPrincipalsV2Command({ thingName: 'core-1' }));
    await expect(call()).rejects.toBeInstanceOf(ThrottlingException);
    await expect(call()).rejects.toBeInstanceOf(ThrottlingException);
    await expect(call()).resolves.toMatchObject({ thingPrincipalObjects: [] });

    const update = new UpdateThingShadowCommand({ thingName: 'core-1', shadowName: 's', payload: Buffer.from('{"state":{}}') });
    await expect(data.send(update)).rejects.toBeInstanceOf(DataThrottlingException);
    await expect(data.send(new GetThingShadowCommand({ thingName: 'core-1', shadowName: 's' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(fx.api.pendingFaults()).toEqual({});
  });

  it('is retried away by an SDK client with its default retry strategy', async () => {
    fx.api.throttleNext('iot:ListThingPrincipalsV2', 1);
    const retrying = new IoTClient(fx.clientConfig);
    await expect(retrying.send(new ListThingPrincipalsV2Command({ thingName: 'core-1' }))).resolves.toMatchObject({
      $metadata: { attempts: 2 },
    });
  });
});
