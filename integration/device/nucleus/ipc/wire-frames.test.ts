import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageFlags, MessageType, textOf } from './framing.js';
import { startIpcFixture, type IpcFixture } from '../../../test/support/nucleus/ipc-fixture.js';
import { headerList, RawIpcClient } from '../../../test/support/nucleus/raw-ipc-client.js';

/**
 * Every kind of message the server sends, decoded from the raw bytes and compared header by header
 * (names, values and order) with what the Greengrass nucleus's event-stream RPC server sends; see
 * wire-messages.ts for the sources.
 */

const COMPONENT = 'com.example.Frames';
const accessControl = {
  'aws.greengrass.ipc.mqttproxy': {
    [`${COMPONENT}:mqttproxy:1`]: {
      operations: ['aws.greengrass#PublishToIoTCore', 'aws.greengrass#SubscribeToIoTCore'],
      resources: ['frames/#'],
    },
  },
};

const routing = (type: number, flags: number, streamId: number): Array<[string, number]> => [
  [':message-type', type],
  [':message-flags', flags],
  [':stream-id', streamId],
];
const json = ['application/json'] as const;

let fixture: IpcFixture;
const clients: RawIpcClient[] = [];

async function connected(): Promise<RawIpcClient> {
  const client = await RawIpcClient.connect(fixture.server.socketPath);
  clients.push(client);
  client.sendConnect(fixture.server.issueToken(COMPONENT));
  const ack = await client.next();
  expect(ack.flags).toBe(MessageFlags.connectionAccepted);
  return client;
}

beforeAll(async () => {
  fixture = await startIpcFixture({ [COMPONENT]: { keyAlgorithm: 'EC-prime256v1', accessControl } });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  await fixture.close();
});

describe('the handshake', () => {
  it('accepts with a CONNECT_ACK that carries only the routing headers, flag 1 and no body', async () => {
    const client = await RawIpcClient.connect(fixture.server.socketPath);
    clients.push(client);
    client.sendConnect(fixture.server.issueToken(COMPONENT));
    const ack = await client.next();
    expect(headerList(ack.headers)).toEqual(routing(MessageType.connectAck, 1, 0));
    expect(ack.body).toHaveLength(0);
  });

  it('refuses an unknown token with flag 0, then closes the connection', async () => {
    const client = await RawIpcClient.connect(fixture.server.socketPath);
    clients.push(client);
    client.sendConnect('NOT-ISSUED');
    const ack = await client.next();
    expect(headerList(ack.headers)).toEqual(routing(MessageType.connectAck, 0, 0));
    expect(ack.body).toHaveLength(0);
    await client.closedByServer();
  });

  it('answers a ping with its own non-routing headers and body', async () => {
    const client = await connected();
    client.send({
      type: MessageType.ping,
      flags: 0,
      streamId: 0,
      headers: { probe: { type: 'string', value: 'p-1' } },
      body: Buffer.from('hello'),
    });
    const pong = await client.next();
    expect(headerList(pong.headers)).toEqual([['probe', 'p-1'], ...routing(MessageType.pingResponse, 0, 0)]);
    expect(textOf(pong.body)).toBe('hello');
  });
});

describe('operation messages', () => {
  it('a request/response operation: content type, response shape, and the terminate flag on the response', async () => {
    const client = await connected();
    client.sendRequest(1, 'GetConfiguration', { keyPath: ['keyAlgorithm'] });
    const response = await client.next();
    expect(headerList(response.headers)).toEqual([
      [':content-type', ...json],
      ['service-model-type', 'aws.greengrass#GetConfigurationResponse'],
      ...routing(MessageType.application, MessageFlags.terminateStream, 1),
    ]);
    expect(JSON.parse(textOf(response.body))).toEqual({ componentName: COMPONENT, value: { keyAlgorithm: 'EC-prime256v1' } });
  });

  it('a streaming operation: the response and each event carry the content type and leave the stream open', async () => {
    const client = await connected();
    client.sendRequest(1, 'SubscribeToIoTCore', { topicName: 'frames/in', qos: '1' });
    const response = await client.next();
    expect(headerList(response.headers)).toEqual([
      [':content-type', ...json],
      ['service-model-type', 'aws.greengrass#SubscribeToIoTCoreResponse'],
      ...routing(MessageType.application, 0, 1),
    ]);
    fixture.mqtt.deliver('frames/in', 'payload-1');
    const event = await client.next();
    expect(headerList(event.headers)).toEqual([
      [':content-type', ...json],
      ['service-model-type', 'aws.greengrass#IoTCoreMessage'],
      ...routing(MessageType.application, 0, 1),
    ]);
    expect(JSON.parse(textOf(event.body))).toEqual({
      message: { topicName: 'frames/in', payload: Buffer.from('payload-1').toString('base64') },
    });

    // The client ends the stream; the server answers nothing on it, and sends no more events.
    client.send({ type: MessageType.application, flags: MessageFlags.terminateStream, streamId: 1 });
    // The server reads in order: once the ping is answered, the terminate has been handled.
    client.send({ type: MessageType.ping, flags: 0, streamId: 0 });
    expect((await client.next()).type).toBe(MessageType.pingResponse);
    fixture.mqtt.deliver('frames/in', 'after close');
    client.sendRequest(2, 'GetConfiguration', { keyPath: [] });
    const next = await client.next();
    expect(next.streamId).toBe(2);
  });

  it('a modelled error: type 1, terminate, content type, the error shape and the Java error body', async () => {
    const client = await connected();
    client.sendRequest(1, 'PublishToIoTCore', { topicName: 'elsewhere/out', qos: '0', payload: '' });
    const error = await client.next();
    expect(headerList(error.headers)).toEqual([
      [':content-type', ...json],
      ['service-model-type', 'aws.greengrass#UnauthorizedError'],
      ...routing(MessageType.applicationError, MessageFlags.terminateStream, 1),
    ]);
    expect(textOf(error.body)).toBe(
      '{"message":"Not Authorized","_service":"aws.greengrass#GreengrassCoreIPC","_message":"Not Authorized","_errorCode":"UnauthorizedError"}',
    );
  });

  it('an unmodelled error: type 1, terminate, text/plain "InternalServerError" and no shape', async () => {
    const client = await connected();
    client.send({
      type: MessageType.application,
      flags: 0,
      streamId: 1,
      headers: { operation: { type: 'string', value: 'aws.greengrass#GetConfiguration' } },
      body: Buffer.from('{not json'),
    });
    const error = await client.next();
    expect(headerList(error.headers)).toEqual([
      [':content-type', 'text/plain'],
      ...routing(MessageType.applicationError, MessageFlags.terminateStream, 1),
    ]);
    expect(textOf(error.body)).toBe('InternalServerError');
  });

  it('stream input on an open subscription is an unmodelled error that ends the stream', async () => {
    const client = await connected();
    client.sendRequest(1, 'SubscribeToIoTCore', { topicName: 'frames/input', qos: '0' });
    await client.next();
    client.send({ type: MessageType.application, flags: 0, streamId: 1, body: Buffer.from('{}') });
    const error = await client.next();
    expect(headerList(error.headers)).toEqual([
      [':content-type', 'text/plain'],
      ...routing(MessageType.applicationError, MessageFlags.terminateStream, 1),
    ]);
  });

  it("an unsupported operation: type 1, terminate, application/json and the Java handler's body", async () => {
    const client = await connected();
    client.sendRequest(1, 'ListComponents', {});
    const error = await client.next();
    expect(headerList(error.headers)).toEqual([
      [':content-type', ...json],
      ...routing(MessageType.applicationError, MessageFlags.terminateStream, 1),
    ]);
    expect(textOf(error.body)).toBe(
      '{ "error": "Unsupported Operation", "message": "aws.greengrass#ListComponents is an unsupported operation." }',
    );
  });

  it('a request whose first message already ends its stream is not run', async () => {
    const client = await connected();
    client.sendRequest(1, 'PublishToIoTCore', { topicName: 'frames/out', qos: '0', payload: '' }, MessageFlags.terminateStream);
    client.sendRequest(2, 'GetConfiguration', { keyPath: [] });
    expect((await client.next()).streamId).toBe(2);
    expect(fixture.mqtt.published.filter((p) => p.topic === 'frames/out')).toEqual([]);
  });
});

describe('connection-level errors: type 6 with application/json, then the connection closes', () => {
  const expectProtocolError = async (client: RawIpcClient, message: string): Promise<void> => {
    const error = await client.next();
    expect(headerList(error.headers)).toEqual([[':content-type', ...json], ...routing(MessageType.protocolError, 0, 0)]);
    expect(textOf(error.body)).toBe(message);
    await client.closedByServer();
  };

  it('a message before CONNECT', async () => {
    const client = await RawIpcClient.connect(fixture.server.socketPath);
    clients.push(client);
    client.sendRequest(1, 'GetConfiguration', {});
    await expectProtocolError(
      client,
      '{ "message": "A CONNECT message must be received, and the CONNECT_ACK must be sent in response, before any other message-types can be sent on this connection. In addition, only one CONNECT message is allowed on a connection." }',
    );
  });

  it('a new stream id that skips one', async () => {
    const client = await connected();
    client.sendRequest(2, 'GetConfiguration', {});
    await expectProtocolError(
      client,
      '{ "message": "stream-id values must be monotonically incrementing. A new stream-id arrived that was incremented by more than 1." }',
    );
  });

  it('a message on a stream that has ended, without the terminate flag', async () => {
    const client = await connected();
    client.sendRequest(1, 'GetConfiguration', { keyPath: [] });
    await client.next();
    client.send({ type: MessageType.application, flags: 0, streamId: 1, body: Buffer.from('{}') });
    await expectProtocolError(
      client,
      '{ "message": "stream-id values must be monotonically incrementing. A stream-id arrived that was lower than the last seen stream-id." }',
    );
  });

  it('a new stream without an operation', async () => {
    const client = await connected();
    client.send({ type: MessageType.application, flags: 0, streamId: 1, body: Buffer.from('{}') });
    await expectProtocolError(
      client,
      '{ "message": "The first message for on a non-zero :stream-id must contain an operation header value."; }',
    );
  });

  it('a message without :message-flags', async () => {
    const client = await connected();
    const { EventStreamCodec } = await import('@smithy/eventstream-codec');
    const { fromUtf8, toUtf8 } = await import('@smithy/util-utf8');
    client.sendBytes(
      new EventStreamCodec(toUtf8, fromUtf8).encode({
        headers: { ':message-type': { type: 'integer', value: 2 }, ':stream-id': { type: 'integer', value: 0 } },
        body: new Uint8Array(),
      }),
    );
    await expectProtocolError(
      client,
      '{ "message": "A message was received with missing required fields. Check that your client is sending at least, :message-type, :message-flags, and :stream-id" }',
    );
  });
});
