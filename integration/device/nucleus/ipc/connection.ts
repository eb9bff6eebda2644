import type net from 'node:net';
import { z } from 'zod';
import type { Logger } from '../../../../shared/logging/logger.js';
import { IpcServiceError } from './errors.js';
import {
  encodeFrame,
  FrameReader,
  jsonBody,
  MessageFlags,
  MessageType,
  SHAPE_PREFIX,
  shapeHeader,
  stringHeader,
  textOf,
  type OutboundFrame,
  type RpcFrame,
} from './framing.js';
import type { OperationHandler } from './operation.js';
import { ServerStream } from './server-stream.js';

export const PROTOCOL_VERSION = '0.1.0';
const SERVICE_NAME = 'aws.greengrass#GreengrassCoreIPC';
/** A refused handshake is answered, then the socket closes after this delay (see spec). */
const REFUSAL_CLOSE_DELAY_MS = 100;

const connectPayloadSchema = z.object({ authToken: z.string().optional() });

export interface ConnectionOptions {
  socket: net.Socket;
  /** Maps the CONNECT auth token to the component it was issued to; undefined refuses. */
  authenticate: (authToken: string | undefined) => string | undefined;
  operations: ReadonlyMap<string, OperationHandler>;
  logger: Logger;
}

/** One client connection: the CONNECT handshake, then one ServerStream per operation call. */
export class IpcConnection {
  private state: 'awaiting-connect' | 'connected' | 'closed' = 'awaiting-connect';
  private componentName: string | undefined;
  private readonly reader = new FrameReader();
  private readonly streams = new Map<number, ServerStream>();
  private lastStreamId = 0;
  private readonly closeListeners: Array<() => void> = [];
  private disposed = false;

  constructor(private readonly options: ConnectionOptions) {
    const { socket } = options;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.onClosed());
    socket.on('error', (error) => options.logger.debug('IPC socket error', { error: error.message }));
  }

  get component(): string | undefined {
    return this.componentName;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    this.options.socket.destroy();
    this.onClosed();
  }

  private onData(chunk: Buffer): void {
    let frames: RpcFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      this.protocolError(`Malformed message: ${(error as Error).message}`);
      return;
    }
    for (const frame of frames) {
      if (this.state === 'closed') return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: RpcFrame): void {
    if (this.state === 'awaiting-connect') {
      this.onConnect(frame);
      return;
    }
    switch (frame.type) {
      case MessageType.ping:
        this.write({ type: MessageType.pingResponse, flags: 0, streamId: 0, body: frame.body });
        return;
      case MessageType.application:
      case MessageType.applicationError:
        this.onStreamMessage(frame);
        return;
      case MessageType.pingResponse:
        return;
      default:
        this.protocolError(`Unexpected message type ${frame.type} after the handshake`);
    }
  }

  private onConnect(frame: RpcFrame): void {
    if (frame.type !== MessageType.connect || frame.streamId !== 0) {
      this.protocolError('The first message must be CONNECT on stream 0');
      return;
    }
    const version = stringHeader(frame, ':version');
    let token: string | undefined;
    try {
      const text = textOf(frame.body);
      token = text === '' ? undefined : connectPayloadSchema.parse(JSON.parse(text)).authToken;
    } catch {
      token = undefined;
    }
    const component = version === PROTOCOL_VERSION ? this.options.authenticate(token) : undefined;
    if (component === undefined) {
      this.options.logger.warn('IPC connection refused', {
        reason: version === PROTOCOL_VERSION ? 'unknown or missing auth token' : `protocol version ${String(version)}`,
      });
      this.write({ type: MessageType.connectAck, flags: 0, streamId: 0 });
      this.state = 'closed';
      setTimeout(() => this.close(), REFUSAL_CLOSE_DELAY_MS);
      return;
    }
    this.componentName = component;
    this.state = 'connected';
    this.write({ type: MessageType.connectAck, flags: MessageFlags.connectionAccepted, streamId: 0 });
    this.options.logger.debug('IPC client connected', { component });
  }

  private onStreamMessage(frame: RpcFrame): void {
    const { streamId } = frame;
    if (streamId <= 0) {
      this.protocolError('Application messages need a positive stream id');
      return;
    }
    const existing = this.streams.get(streamId);
    if (existing) {
      // A client may only end its side of a stream; anything else it sends on one is ignored.
      if (frame.flags & MessageFlags.terminateStream || frame.type === MessageType.applicationError) {
        this.streams.delete(streamId);
        existing.end();
      }
      return;
    }
    if (streamId <= this.lastStreamId) return; // a late message on a stream already ended
    this.lastStreamId = streamId;
    void this.openStream(frame);
  }

  private async openStream(frame: RpcFrame): Promise<void> {
    const { streamId } = frame;
    const operation = stringHeader(frame, 'operation') ?? '';
    const name = operation.startsWith(SHAPE_PREFIX) ? operation.slice(SHAPE_PREFIX.length) : operation;
    const handler = this.options.operations.get(name);
    if (!handler) {
      this.unmodelledError(streamId, `Unsupported operation: ${operation || '(none)'}`);
      return;
    }
    const stream = new ServerStream(streamId, name, (body) =>
      this.write({ type: MessageType.application, flags: 0, streamId, headers: shapeHeader(handler.eventShape ?? ''), body: jsonBody(body) }),
    );
    this.streams.set(streamId, stream);
    const caller = { componentName: this.componentName ?? '', logger: this.options.logger };
    let response: unknown;
    try {
      const request = parseRequest(handler, frame.body);
      response = await handler.handle(request, caller, stream);
    } catch (error) {
      this.failStream(stream, error);
      return;
    }
    if (stream.closed) return;
    const streaming = handler.eventShape !== undefined;
    this.write({
      type: MessageType.application,
      flags: streaming ? 0 : MessageFlags.terminateStream,
      streamId,
      headers: shapeHeader(handler.responseShape),
      body: jsonBody(response ?? {}),
    });
    if (streaming) {
      stream.activate();
    } else {
      this.streams.delete(streamId);
      stream.end();
    }
  }

  private failStream(stream: ServerStream, error: unknown): void {
    const modelled =
      error instanceof IpcServiceError ? error : new IpcServiceError('ServiceError', error instanceof Error ? error.message : String(error));
    this.streams.delete(stream.streamId);
    stream.end();
    this.write({
      type: MessageType.applicationError,
      flags: MessageFlags.terminateStream,
      streamId: stream.streamId,
      headers: shapeHeader(modelled.shape),
      // The fields the nucleus's Java error classes serialise: the SDK hands this body over as `serviceError`.
      body: jsonBody({ _service: SERVICE_NAME, _message: modelled.message, _errorCode: modelled.shape, message: modelled.message }),
    });
  }

  private unmodelledError(streamId: number, message: string): void {
    this.write({
      type: MessageType.applicationError,
      flags: MessageFlags.terminateStream,
      streamId,
      headers: { ':content-type': { type: 'string', value: 'text/plain' } },
      body: new TextEncoder().encode(message),
    });
  }

  private protocolError(message: string): void {
    this.options.logger.warn('IPC protocol error; closing the connection', { error: message });
    this.write({
      type: MessageType.protocolError,
      flags: 0,
      streamId: 0,
      headers: { ':content-type': { type: 'string', value: 'text/plain' } },
      body: new TextEncoder().encode(message),
    });
    this.close();
  }

  private write(frame: OutboundFrame): void {
    const { socket } = this.options;
    if (socket.destroyed || !socket.writable) return;
    socket.write(encodeFrame(frame));
  }

  private onClosed(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.state = 'closed';
    const streams = [...this.streams.values()];
    this.streams.clear();
    for (const stream of streams) stream.end();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

function parseRequest(handler: OperationHandler, body: Uint8Array): unknown {
  let json: unknown;
  try {
    const text = textOf(body);
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new IpcServiceError('InvalidArgumentsError', `${handler.name}: request body is not JSON`);
  }
  const parsed = handler.requestSchema.safeParse(json);
  if (!parsed.success) {
    throw new IpcServiceError('InvalidArgumentsError', `${handler.name}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
