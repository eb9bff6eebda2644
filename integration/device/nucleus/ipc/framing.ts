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

/** Header names compare without case, as aws-c-event-stream compares them. */
function header(headers: MessageHeaders, name: string): MessageHeaders[string] | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

function intHeader(headers: MessageHeaders, name: string): number | undefined {
  const found = header(headers, name);
  return found?.type === 'integer' ? found.value : undefined;
}

export function stringHeader(frame: RpcFrame, name: string): string | undefined {
  const found = header(frame.headers, name);
  return found?.type === 'string' ? found.value : undefined;
}

export interface OutboundFrame {
  type: number;
  flags: number;
  streamId: number;
  headers?: MessageHeaders;
  body?: Uint8Array;
}

/**
 * Encodes a frame. The routing headers are int32, as the native client requires, and come after
 * the message's own headers: aws-c-event-stream's server (`s_send_protocol_message` in
 * source/event_stream_rpc_server.c) appends them to the headers it is given.
 */
export function encodeFrame(frame: OutboundFrame): Uint8Array {
  const headers: MessageHeaders = {
    ...frame.headers,
    ':message-type': { type: 'integer', value: frame.type },
    ':message-flags': { type: 'integer', value: frame.flags },
    ':stream-id': { type: 'integer', value: frame.streamId },
  };
  return codec.encode({ headers, body: frame.body ?? new Uint8Array() });
}

/** Decodes one whole encoded message (for tests and clients that read frames themselves). */
export function decodeFrame(bytes: Uint8Array): RpcFrame {
  return toFrame(codec.decode(bytes));
}

export const jsonBody = (value: unknown): Uint8Array => fromUtf8(JSON.stringify(value));
export const textOf = (body: Uint8Array): string => toUtf8(body);

export class FramingError extends Error {}

/** A whole, intact message that lacks one of the three int32 routing headers. */
export class MissingRoutingHeaderError extends FramingError {}

function toFrame(message: Message): RpcFrame {
  const type = intHeader(message.headers, ':message-type');
  const flags = intHeader(message.headers, ':message-flags');
  const streamId = intHeader(message.headers, ':stream-id');
  if (type === undefined || flags === undefined || streamId === undefined) {
    throw new MissingRoutingHeaderError('message without the int32 :message-type, :message-flags and :stream-id headers');
  }
  return { type, flags, streamId, headers: message.headers, body: message.body };
}

/**
 * Reassembles whole messages from a byte stream: the codec decodes one complete message at a
 * time, and a socket delivers arbitrary chunks. A corrupt message (bad CRC, impossible length) or
 * one without its routing headers ends the list as a FramingError; nothing after it is read, since
 * the connection is then beyond repair.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private failed = false;

  push(chunk: Buffer): Array<RpcFrame | FramingError> {
    if (this.failed) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Array<RpcFrame | FramingError> = [];
    while (this.buffer.length >= 4) {
      const total = this.buffer.readUInt32BE(0);
      if (total < 16 || total > MAX_FRAME_BYTES) return this.fail(frames, new FramingError(`invalid message length ${total}`));
      if (this.buffer.length < total) break;
      const bytes = this.buffer.subarray(0, total);
      this.buffer = this.buffer.subarray(total);
      let message: Message;
      try {
        message = codec.decode(bytes);
      } catch (error) {
        return this.fail(frames, new FramingError(`undecodable message: ${(error as Error).message}`));
      }
      try {
        frames.push(toFrame(message));
      } catch (error) {
        return this.fail(frames, error as FramingError);
      }
    }
    return frames;
  }

  private fail(frames: Array<RpcFrame | FramingError>, error: FramingError): Array<RpcFrame | FramingError> {
    this.failed = true;
    this.buffer = Buffer.alloc(0);
    frames.push(error);
    return frames;
  }
}
