/**
 * The real SDK client and native aws-crt against a minimal Greengrass IPC server on a Unix
 * socket (event-stream framing as described in spec/greengrass-ipc.md): proves the wire shapes
 * the transport produces and accepts, not just the calls it makes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventStreamCodec, type Message, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateAlgorithmConfig } from '../config/validate.js';
import { connectIpc, type IpcClient } from './ipc-client.js';
import { readAlgorithmConfiguration, subscribeToConfigurationValidation } from './ipc-configuration.js';
import { IpcMqtt } from './ipc-mqtt.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';
import type { IotMessage } from './iot-mqtt.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const TERMINATE = 2;

interface Received {
  operation: string;
  request: Record<string, unknown>;
}

/** Answers each operation with its response shape; streaming ones also push one event. */
const ANSWERS: Record<string, { response: unknown; event?: { shape: string; body: unknown } }> = {
  PublishToIoTCore: { response: {} },
  SubscribeToIoTCore: {
    response: {},
    event: {
      shape: 'IoTCoreMessage',
      body: {
        message: {
          topicName: 'awslabs/things/core-1/certificate/create/accepted',
          payload: Buffer.from('{"certificatePem":"x"}').toString('base64'),
        },
      },
    },
  },
  GetConfiguration: { response: { value: { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } } },
  SubscribeToValidateConfigurationUpdates: {
    response: {},
    event: {
      shape: 'ValidateConfigurationUpdateEvents',
      body: {
        validateConfigurationUpdateEvent: {
          deploymentId: 'd-9',
          configuration: { keyAlgorithm: 'RSA-3072', signingAlgorithm: 'ECDSA-WITH-SHA256' },
        },
      },
    },
  },
  SendConfigurationValidityReport: { response: {} },
};

function frame(type: number, flags: number, streamId: number, extra: MessageHeaders = {}, body?: unknown): Uint8Array {
  const headers: MessageHeaders = {
    ':message-type': { type: 'integer', value: type },
    ':message-flags': { type: 'integer', value: flags },
    ':stream-id': { type: 'integer', value: streamId },
    ...extra,
  };
  return codec.encode({ headers, body: body === undefined ? new Uint8Array() : fromUtf8(JSON.stringify(body)) });
}

const shape = (name: string): MessageHeaders => ({ 'service-model-type': { type: 'string', value: `aws.greengrass#${name}` } });

function serve(socketPath: string, received: Received[], connectPayloads: string[], onRequest: () => void): net.Server {
  const handle = (socket: net.Socket, message: Message) => {
    const type = message.headers[':message-type']?.value;
    const streamId = message.headers[':stream-id']?.value as number;
    if (type === 4) {
      connectPayloads.push(toUtf8(message.body));
      socket.write(frame(5, 1, 0));
      return;
    }
    const operation = message.headers['operation']?.value;
    if (type !== 0 || typeof operation !== 'string') return; // pings and stream closes
    const name = operation.replace('aws.greengrass#', '');
    received.push({ operation: name, request: JSON.parse(toUtf8(message.body) || '{}') });
    const answer = ANSWERS[name]!;
    socket.write(frame(0, answer.event ? 0 : TERMINATE, streamId, shape(`${name}Response`), answer.response));
    if (answer.event) socket.write(frame(0, 0, streamId, shape(answer.event.shape), answer.event.body));
    onRequest();
  };
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4 && buffer.length >= buffer.readUInt32BE(0)) {
        const total = buffer.readUInt32BE(0);
        handle(socket, codec.decode(buffer.subarray(0, total)));
        buffer = buffer.subarray(total);
      }
    });
    socket.on('error', () => undefined);
  });
  server.listen(socketPath);
  return server;
}

describe('Greengrass IPC over a Unix socket', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ipc-'));
  const socketPath = path.join(dir, 'ipc.socket');
  const received: Received[] = [];
  const connectPayloads: string[] = [];
  let waiters: (() => void)[] = [];
  const nextRequest = () => new Promise<void>((resolve) => waiters.push(resolve));
  let server: net.Server;
  let client: IpcClient;
  const logger = new MemoryLogger();

  beforeAll(async () => {
    server = serve(socketPath, received, connectPayloads, () => {
      const current = waiters;
      waiters = [];
      for (const wake of current) wake();
    });
    await new Promise((resolve) => server.once('listening', resolve));
    client = await connectIpc({ socketPath, authToken: 'svcuid-token' }, logger);
  });

  afterAll(async () => {
    await client.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the auth token in the CONNECT message', () => {
    expect(connectPayloads.map((payload) => JSON.parse(payload))).toEqual([{ authToken: 'svcuid-token' }]);
  });

  it('subscribes with QoS "1" and delivers the base64-decoded payload', async () => {
    const mqtt = new IpcMqtt(client, logger);
    const message = new Promise<IotMessage>(
      (resolve) => void mqtt.subscribe('awslabs/things/core-1/certificate/create/accepted', 1, resolve),
    );
    const delivered = await message;
    expect(received.at(-1)).toEqual({
      operation: 'SubscribeToIoTCore',
      request: { topicName: 'awslabs/things/core-1/certificate/create/accepted', qos: '1' },
    });
    expect(delivered).toEqual({
      topic: 'awslabs/things/core-1/certificate/create/accepted',
      payload: Buffer.from('{"certificatePem":"x"}'),
    });
  });

  it('publishes with QoS "0" and the payload as base64', async () => {
    await new IpcMqtt(client, logger).publish('$aws/things/core-1/jobs/$next/get', '{}', 0);
    expect(received.at(-1)).toEqual({
      operation: 'PublishToIoTCore',
      request: { topicName: '$aws/things/core-1/jobs/$next/get', qos: '0', payload: Buffer.from('{}').toString('base64') },
    });
  });

  it('reads the configuration and answers a proposal with a validity report', async () => {
    await expect(readAlgorithmConfiguration(client, validateAlgorithmConfig)).resolves.toEqual({
      keyAlgorithm: 'ECDSA-P256',
      signingAlgorithm: 'ECDSA-WITH-SHA256',
    });
    expect(received.at(-1)).toEqual({ operation: 'GetConfiguration', request: { keyPath: [] } });

    const reported = (async () => {
      while (received.at(-1)?.operation !== 'SendConfigurationValidityReport') await nextRequest();
    })();
    await subscribeToConfigurationValidation(client, { validate: validateAlgorithmConfig, onAccepted: () => undefined, logger });
    await reported;
    const report = received.at(-1)!.request as { configurationValidityReport: Record<string, string> };
    expect(report.configurationValidityReport).toMatchObject({ status: 'REJECTED', deploymentId: 'd-9' });
    expect(report.configurationValidityReport.message).toContain('mismatched types');
  });
});
