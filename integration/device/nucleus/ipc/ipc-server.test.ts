import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcClient } from '../../../../component/src/transport/ipc-client.js';
import { startIpcFixture, type IpcFixture } from '../../../test/support/nucleus/ipc-fixture.js';

const COMPONENT = 'com.example.Rotator';
const accessControl = {
  'aws.greengrass.ipc.mqttproxy': {
    [`${COMPONENT}:mqttproxy:1`]: {
      operations: ['aws.greengrass#PublishToIoTCore'],
      resources: ['things/core-1/out', 'big/topic'],
    },
    [`${COMPONENT}:mqttproxy:2`]: {
      operations: ['aws.greengrass#SubscribeToIoTCore'],
      resources: ['things/core-1/+/in'],
    },
  },
};

type ServiceError = Error & { serviceError?: { _errorCode?: string; message?: string } };

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('Greengrass IPC server with the real greengrasscoreipc client', () => {
  let fixture: IpcFixture;
  let client: IpcClient;

  beforeAll(async () => {
    fixture = await startIpcFixture({
      [COMPONENT]: { keyAlgorithm: 'RSA-2048', accessControl },
      'aws.greengrass.crypto.Pkcs11Provider': { name: 'softhsm', library: '/usr/lib/softhsm/libsofthsm2.so', slot: 1, userPin: '1234' },
    });
    client = await fixture.connect({ component: COMPONENT });
  });

  afterAll(async () => {
    await fixture.close();
  });

  it('refuses a connection whose auth token it never issued', async () => {
    await expect(fixture.connect({ token: 'NOT-A-TOKEN' })).rejects.toThrow();
    expect(fixture.logger.entries.some((l) => l.message === 'IPC connection refused')).toBe(true);
  });

  it('publishes an authorised message to AWS IoT with its payload decoded', async () => {
    await client.publishToIoTCore({ topicName: 'things/core-1/out', qos: '1' as never, payload: Buffer.from('{"a":1}') });
    expect(fixture.mqtt.published).toContainEqual({ topic: 'things/core-1/out', payload: '{"a":1}', qos: 1 });
  });

  it('answers an unauthorised publish with UnauthorizedError and logs the reason', async () => {
    const error = await failure(client.publishToIoTCore({ topicName: 'things/core-2/out', qos: '0' as never, payload: Buffer.from('x') }));
    expect(error.serviceError?._errorCode).toBe('UnauthorizedError');
    expect(error.serviceError?.message).toBe('Not Authorized');
    expect(JSON.stringify(fixture.logger.entries)).toContain(
      `Principal ${COMPONENT} is not authorized to perform aws.greengrass.ipc.mqttproxy:aws.greengrass#PublishToIoTCore on resource things/core-2/out`,
    );
  });

  it('refuses a publish of 128 KiB or more with ServiceError naming the limit', async () => {
    await client.publishToIoTCore({ topicName: 'big/topic', qos: '0' as never, payload: Buffer.alloc(128 * 1024 - 1, 0x61) });
    const error = await failure(
      client.publishToIoTCore({ topicName: 'big/topic', qos: '0' as never, payload: Buffer.alloc(128 * 1024, 0x61) }),
    );
    expect(error.serviceError?._errorCode).toBe('ServiceError');
    expect(error.serviceError?.message).toBe(
      'Publish to topic big/topic failed: The publishing message size 131072 bytes exceeds the configured limit of 131072 bytes',
    );
    expect(fixture.mqtt.published.filter((p) => p.topic === 'big/topic').map((p) => p.payload.length)).toEqual([128 * 1024 - 1]);
  });

  it('streams messages to a subscription until the client closes the stream', async () => {
    const received: string[] = [];
    const operation = client.subscribeToIoTCore({ topicName: 'things/core-1/+/in', qos: '1' as never });
    operation.on('message', (event) => received.push(Buffer.from(event.message!.payload as ArrayBuffer).toString()));
    await operation.activate();
    fixture.mqtt.deliver('things/core-1/a/in', 'first');
    fixture.mqtt.deliver('things/core-1/b/other', 'not matching');
    await expect.poll(() => received.length === 1, { message: 'the first message' }).toBe(true);
    await operation.close();
    fixture.mqtt.deliver('things/core-1/a/in', 'after close');
    // A later subscription on the same filter proves the closed one would have had time to receive.
    const second: string[] = [];
    const again = client.subscribeToIoTCore({ topicName: 'things/core-1/+/in', qos: '0' as never });
    again.on('message', (event) => second.push(Buffer.from(event.message!.payload as ArrayBuffer).toString()));
    await again.activate();
    fixture.mqtt.deliver('things/core-1/c/in', 'second');
    await expect.poll(() => second.length === 1, { message: 'the message on the new stream' }).toBe(true);
    expect(received).toEqual(['first']);
    expect(second).toEqual(['second']);
    expect(fixture.mqtt.brokerSubscriptions).toEqual(['things/core-1/+/in']);
    await again.close();
  });

  it('answers an unauthorised subscription with UnauthorizedError', async () => {
    const operation = client.subscribeToIoTCore({ topicName: 'things/core-1/#', qos: '1' as never });
    const error = await failure(operation.activate());
    expect(error.serviceError?._errorCode).toBe('UnauthorizedError');
  });

  it("reads its own configuration, a key of it, and another component's", async () => {
    const own = await client.getConfiguration({ keyPath: [] });
    expect(own.componentName).toBe(COMPONENT);
    expect(own.value).toMatchObject({ keyAlgorithm: 'RSA-2048' });
    const key = await client.getConfiguration({ keyPath: ['keyAlgorithm'] });
    expect(key.value).toEqual({ keyAlgorithm: 'RSA-2048' });
    const other = await client.getConfiguration({ componentName: 'aws.greengrass.crypto.Pkcs11Provider', keyPath: [] });
    expect(other.value).toMatchObject({ library: '/usr/lib/softhsm/libsofthsm2.so', slot: 1 });
  });

  it('answers an unknown component or key with ResourceNotFoundError', async () => {
    const component = await failure(client.getConfiguration({ componentName: 'aws.greengrass.Unknown', keyPath: [] }));
    expect(component.serviceError).toMatchObject({ _errorCode: 'ResourceNotFoundError', message: 'Key not found' });
    const key = await failure(client.getConfiguration({ keyPath: ['missing'] }));
    expect(key.serviceError?._errorCode).toBe('ResourceNotFoundError');
  });

  it('sends a validation event and takes the report for its deployment', async () => {
    const operation = client.subscribeToValidateConfigurationUpdates({});
    operation.on('message', (event) => {
      const proposal = event.validateConfigurationUpdateEvent!;
      void client.sendConfigurationValidityReport({
        configurationValidityReport: {
          status: 'REJECTED' as never,
          deploymentId: proposal.deploymentId,
          message: `no ${String(proposal.configuration?.keyAlgorithm)}`,
        },
      });
    });
    await operation.activate();
    const report = await fixture.validation.validate(COMPONENT, { deploymentId: 'd-1', configuration: { keyAlgorithm: 'RSA-1024' } });
    expect(report).toEqual({ status: 'REJECTED', message: 'no RSA-1024' });
    await operation.close();
    await expect.poll(() => !fixture.validation.hasValidator(COMPONENT), { message: 'the validator to go' }).toBe(true);
  });

  it('refuses a validity report nothing waits for', async () => {
    const error = await failure(
      client.sendConfigurationValidityReport({ configurationValidityReport: { status: 'ACCEPTED' as never, deploymentId: 'never-asked' } }),
    );
    expect(error.serviceError).toMatchObject({
      _errorCode: 'InvalidArgumentsError',
      message: 'Validation request either timed out or was never made',
    });
  });
});
