import { EventStreamCodec, type Message, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** Event-stream RPC message types (`:message-type`). */
export const MessageType = {
  application: 0,
  applicationError: 1,
  ping: 2,
  pingResponse: 3,
  connect: 4,
  connectAck: 5,
  protocolError: 6,
  internalError: 7,
} as const;

/** `:message-flags` bits. */
export const MessageFlags = { connectionAccepted: 1, terminateStream: 2 } as const;

export const SHAPE_PREFIX = 'aws.greengrass#';

/**
 * Largest message accepted from a client. The native client's own limit on a message is far
 * above any Greengrass payload; this only stops a broken or hostile length prefix from making
 * the server buffer without bound.
 */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** One decoded event-stream RPC message with its three routing headers pulled out. */
export interface RpcFrame {
  type: number;
  flags: number;
  streamId: number;
  headers: MessageHeaders;
  body: Uint8Array;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function intHeader(headers: MessageHeaders, name: string): number | undefined {
  const header = headers[name];
  return header?.type === 'integer' ? header.value : undefined;
}

export function stringHeader(frame: RpcFrame, name: string): string | undefined {
  const header = frame.headers[name];
  return header?.type === 'string' ? header.value : undefined;
}

export interface OutboundFrame {
  type: number;
  flags: number;
  streamId: number;
  headers?: MessageHeaders;
  body?: Uint8Array;
}

/** Encodes a frame; the routing headers are int32, as the native client requires. */
export function encodeFrame(frame: OutboundFrame): Uint8Array {
  const headers: MessageHeaders = {
    ':message-type': { type: 'integer', value: frame.type },
    ':message-flags': { type: 'integer', value: frame.flags },
    ':stream-id': { type: 'integer', value: frame.streamId },
    ...frame.headers,
  };
  return codec.encode({ headers, body: frame.body ?? new Uint8Array() });
}

export const jsonBody = (value: unknown): Uint8Array => fromUtf8(JSON.stringify(value));
export const textOf = (body: Uint8Array): string => toUtf8(body);

export const shapeHeader = (shape: string): MessageHeaders => ({
  'service-model-type': { type: 'string', value: `${SHAPE_PREFIX}${shape}` },
});

export class FramingError extends Error {}

function toFrame(message: Message): RpcFrame {
  const type = intHeader(message.headers, ':message-type');
  const flags = intHeader(message.headers, ':message-flags') ?? 0;
  const streamId = intHeader(message.headers, ':stream-id');
  if (type === undefined) throw new FramingError('message without an int32 :message-type header');
  if (streamId === undefined) throw new FramingError('message without an int32 :stream-id header');
  return { type, flags, streamId, headers: message.headers, body: message.body };
}

/**
 * Reassembles whole messages from a byte stream: the codec decodes one complete message at a
 * time, and a socket delivers arbitrary chunks. Throws FramingError on a corrupt message (bad
 * CRC, impossible length); the connection is then beyond repair.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RpcFrame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: RpcFrame[] = [];
    while (this.buffer.length >= 4) {
      const total = this.buffer.readUInt32BE(0);
      if (total < 16 || total > MAX_FRAME_BYTES) throw new FramingError(`invalid message length ${total}`);
      if (this.buffer.length < total) break;
      const bytes = this.buffer.subarray(0, total);
      this.buffer = this.buffer.subarray(total);
      let message: Message;
      try {
        message = codec.decode(bytes);
      } catch (error) {
        throw new FramingError(`undecodable message: ${(error as Error).message}`);
      }
      frames.push(toFrame(message));
    }
    return frames;
  }
}
