import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader, jsonBody, MessageFlags, MessageType, type OutboundFrame } from './framing.js';
import { connectAck } from './wire-messages.js';
import { startIpcFixture, type IpcFixture } from '../../../test/support/nucleus/ipc-fixture.js';
import { StrictIpcClient } from '../../../test/support/nucleus/strict-ipc-client.js';

const COMPONENT = 'com.example.Strict';
const accessControl = {
  'aws.greengrass.ipc.mqttproxy': {
    [`${COMPONENT}:mqttproxy:1`]: { operations: ['aws.greengrass#SubscribeToIoTCore'], resources: ['strict/#'] },
  },
};

describe('a client as strict as the Python SDK, against the nucleus stand-in', () => {
  let fixture: IpcFixture;
  let client: StrictIpcClient;

  beforeAll(async () => {
    fixture = await startIpcFixture({ [COMPONENT]: { keyAlgorithm: 'RSA-2048', accessControl } });
    client = await StrictIpcClient.connect(fixture.server.socketPath, fixture.server.issueToken(COMPONENT));
  });
  afterAll(async () => {
    client.close();
    await fixture.close();
  });

  it('takes a response', async () => {
    const { reading } = await client.call('GetConfiguration', { keyPath: ['keyAlgorithm'] }, { response: 'GetConfigurationResponse' });
    expect(reading).toEqual({
      kind: 'response',
      shape: 'aws.greengrass#GetConfigurationResponse',
      body: { componentName: COMPONENT, value: { keyAlgorithm: 'RSA-2048' } },
    });
  });

  it('takes a subscription response and its events', async () => {
    const shapes = { response: 'SubscribeToIoTCoreResponse', event: 'IoTCoreMessage' };
    const { streamId, reading } = await client.call('SubscribeToIoTCore', { topicName: 'strict/in', qos: '0' }, shapes);
    expect(reading.kind).toBe('response');
    fixture.mqtt.deliver('strict/in', 'x');
    expect(await client.read(streamId, shapes)).toEqual({
      kind: 'event',
      shape: 'aws.greengrass#IoTCoreMessage',
      body: { message: { topicName: 'strict/in', payload: 'eA==' } },
    });
  });

  it('takes a modelled error as the error it names', async () => {
    const { reading } = await client.call(
      'PublishToIoTCore',
      { topicName: 'strict/out', qos: '0', payload: '' },
      { response: 'PublishToIoTCoreResponse' },
    );
    expect(reading).toMatchObject({ kind: 'error', shape: 'aws.greengrass#UnauthorizedError', body: { message: 'Not Authorized' } });
  });
});

/** A server that answers every request with the given frames, for replies the stand-in no longer sends. */
async function scriptedServer(dir: string, reply: (streamId: number) => OutboundFrame[]): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) {
        if (frame instanceof Error) return socket.destroy();
        const frames = frame.type === MessageType.connect ? [connectAck(true)] : reply(frame.streamId);
        for (const out of frames) socket.write(encodeFrame(out));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path.join(dir, 'ipc.socket'), resolve));
  return server;
}

describe('the strict client refuses what the Python SDK refuses', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strict-ipc-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const answer = async (frames: (streamId: number) => OutboundFrame[]) => {
    const server = await scriptedServer(dir, frames);
    const strict = await StrictIpcClient.connect(path.join(dir, 'ipc.socket'), 'TOKEN');
    try {
      return (await strict.call('GetConfiguration', {}, { response: 'GetConfigurationResponse' })).reading;
    } finally {
      strict.close();
      await new Promise((resolve) => server.close(resolve));
    }
  };
  const shape = (value: string) => ({ 'service-model-type': { type: 'string' as const, value } });

  it('a response with its shape but without :content-type, as the stand-in once sent it', async () => {
    const reading = await answer((streamId) => [
      {
        type: MessageType.application,
        flags: MessageFlags.terminateStream,
        streamId,
        headers: shape('aws.greengrass#GetConfigurationResponse'),
        body: jsonBody({}),
      },
    ]);
    expect(reading).toEqual({ kind: 'refused', message: 'Missing header: :content-type' });
  });

  it('a modelled error without :content-type', async () => {
    const reading = await answer((streamId) => [
      {
        type: MessageType.applicationError,
        flags: MessageFlags.terminateStream,
        streamId,
        headers: shape('aws.greengrass#ServiceError'),
        body: jsonBody({ message: 'x' }),
      },
    ]);
    expect(reading).toEqual({ kind: 'refused', message: 'Missing header: :content-type' });
  });

  it('a response of another shape', async () => {
    const reading = await answer((streamId) => [
      {
        type: MessageType.application,
        flags: MessageFlags.terminateStream,
        streamId,
        headers: { ':content-type': { type: 'string', value: 'application/json' }, ...shape('aws.greengrass#PublishToIoTCoreResponse') },
        body: jsonBody({}),
      },
    ]);
    expect(reading).toEqual({
      kind: 'refused',
      message: 'Unexpected response type: aws.greengrass#PublishToIoTCoreResponse, expected: aws.greengrass#GetConfigurationResponse',
    });
  });

  it('lets a bare terminate message pass', async () => {
    const reading = await answer((streamId) => [{ type: MessageType.application, flags: MessageFlags.terminateStream, streamId }]);
    expect(reading).toEqual({ kind: 'ignored' });
  });
});
