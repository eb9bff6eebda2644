import { describe, expect, it } from 'vitest';
import { IpcMqtt, payloadToBuffer, type IpcMqttClient } from './ipc-mqtt.js';
import { FakeStream } from '../../test/support/ipc-fakes.js';
import type { IotMessage } from './iot-mqtt.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';

interface Recorded {
  publishes: unknown[];
  streams: FakeStream<unknown>[];
  closed: boolean;
}

function fakeClient(options: { subscribeFails?: boolean; publishFails?: boolean } = {}): {
  client: IpcMqttClient;
  recorded: Recorded;
} {
  const recorded: Recorded = { publishes: [], streams: [], closed: false };
  const client = {
    publishToIoTCore: async (request: unknown) => {
      if (options.publishFails) throw Object.assign(new Error('Operation failed'), { serviceError: { message: 'Not authorized' } });
      recorded.publishes.push(request);
      return {};
    },
    subscribeToIoTCore: (request: unknown) => {
      const activation = options.subscribeFails ? Promise.reject(new Error('UnauthorizedError')) : Promise.resolve({});
      activation.catch(() => undefined);
      const stream = new FakeStream(request, activation);
      recorded.streams.push(stream);
      return stream;
    },
    close: async () => {
      recorded.closed = true;
    },
  };
  // The fake implements only what IpcMqtt calls; the SDK's types carry far more.
  return { client: client as unknown as IpcMqttClient, recorded };
}

describe('IpcMqtt', () => {
  it('publishes with the model QoS string and the payload as bytes', async () => {
    const { client, recorded } = fakeClient();
    await new IpcMqtt(client, new MemoryLogger()).publish('awslabs/things/t/certificate/commit', '{"jobId":"j"}', 0);
    expect(recorded.publishes).toEqual([
      { topicName: 'awslabs/things/t/certificate/commit', qos: '0', payload: Buffer.from('{"jobId":"j"}') },
    ]);
  });

  it('reports a failed publish with the nucleus reason', async () => {
    const { client } = fakeClient({ publishFails: true });
    await expect(new IpcMqtt(client, new MemoryLogger()).publish('a/b', '{}', 1)).rejects.toThrow(
      'PublishToIoTCore a/b failed: Operation failed: Not authorized',
    );
  });

  it('subscribes with QoS "1" and delivers decoded messages with their own topic', async () => {
    const { client, recorded } = fakeClient();
    const received: IotMessage[] = [];
    await new IpcMqtt(client, new MemoryLogger()).subscribe('$aws/things/t/jobs/+/get/accepted', 1, (m) => received.push(m));
    const stream = recorded.streams[0]!;
    expect(stream.request).toEqual({ topicName: '$aws/things/t/jobs/+/get/accepted', qos: '1' });
    const bytes = new TextEncoder().encode('{"execution":{}}');
    stream.emit('message', { message: { topicName: '$aws/things/t/jobs/$next/get/accepted', payload: bytes.buffer } });
    expect(received).toEqual([{ topic: '$aws/things/t/jobs/$next/get/accepted', payload: Buffer.from('{"execution":{}}') }]);
  });

  it('drops malformed events and survives a throwing handler', async () => {
    const { client, recorded } = fakeClient();
    const logger = new MemoryLogger();
    let calls = 0;
    await new IpcMqtt(client, logger).subscribe('x', 1, () => {
      calls += 1;
      throw new Error('boom');
    });
    const stream = recorded.streams[0]!;
    stream.emit('message', { message: { payload: new ArrayBuffer(1) } });
    stream.emit('message', { message: { topicName: 'x', payload: 42 } });
    stream.emit('message', { message: { topicName: 'x' } });
    expect(calls).toBe(1);
    expect(logger.entries.map((l) => l.message)).toEqual([
      'Ignoring malformed IoTCoreMessage',
      'Ignoring IoTCoreMessage',
      'Message handler failed',
    ]);
    expect(logger.entries[0]?.fields?.error).toContain('topicName');
  });

  it('rejects a refused subscription and releases its stream', async () => {
    const { client, recorded } = fakeClient({ subscribeFails: true });
    await expect(new IpcMqtt(client, new MemoryLogger()).subscribe('t/1', 1, () => undefined)).rejects.toThrow(
      'SubscribeToIoTCore t/1 failed: UnauthorizedError',
    );
    expect(recorded.streams[0]?.closed).toBe(true);
  });

  it('closes subscriptions and then the client', async () => {
    const { client, recorded } = fakeClient();
    const mqtt = new IpcMqtt(client, new MemoryLogger());
    await mqtt.subscribe('a', 1, () => undefined);
    await mqtt.subscribe('b', 1, () => undefined);
    await mqtt.close();
    expect(recorded.streams.map((s) => s.closed)).toEqual([true, true]);
    expect(recorded.closed).toBe(true);
  });
});

describe('payloadToBuffer', () => {
  it('accepts array buffers, views and strings; rejects other values', () => {
    const view = new Uint8Array([0, 1, 2, 3]).subarray(1, 3);
    expect(payloadToBuffer(view)).toEqual(Buffer.from([1, 2]));
    expect(payloadToBuffer('hé')).toEqual(Buffer.from('hé', 'utf8'));
    expect(payloadToBuffer(undefined)).toEqual(Buffer.alloc(0));
    expect(() => payloadToBuffer({})).toThrow('message.payload');
  });
});
