import type net from 'node:net';
import { z } from 'zod';
import type { Logger } from '../../../../shared/logging/logger.js';
import { IpcServiceError } from './errors.js';
import {
  encodeFrame,
  FrameReader,
  FramingError,
  MessageFlags,
  MessageType,
  MissingRoutingHeaderError,
  SHAPE_PREFIX,
  stringHeader,
  textOf,
  type OutboundFrame,
  type RpcFrame,
} from './framing.js';
import type { OperationHandler } from './operation.js';
import { ServerStream } from './server-stream.js';
import {
  connectAck,
  missingOperationError,
  modelledError,
  modelMessage,
  pingResponse,
  protocolError,
  unmodelledError,
  unrecognisedMessageType,
  unsupportedOperation,
} from './wire-messages.js';

export const PROTOCOL_VERSION = '0.1.0';
/** A refused handshake is answered, then the socket closes after this delay (see spec). */
const REFUSAL_CLOSE_DELAY_MS = 100;
/** Message types 0-7 exist; aws-c-event-stream refuses anything from 8 on. */
const MESSAGE_TYPE_COUNT = 8;

const connectPayloadSchema = z.object({ authToken: z.string().optional() });

export interface ConnectionOptions {
  socket: net.Socket;
  /** Maps the CONNECT auth token to the component it was issued to; undefined refuses. */
  authenticate: (authToken: string | undefined) => string | undefined;
  operations: ReadonlyMap<string, OperationHandler>;
  logger: Logger;
}

/**
 * One client connection, routed as aws-c-event-stream's RPC server routes it
 * (`s_route_message_by_type`): the CONNECT handshake, then one ServerStream per operation call.
 * What goes back on the wire is built in wire-messages.ts.
 */
export class IpcConnection {
  private state: 'awaiting-connect' | 'connected' | 'closed' = 'awaiting-connect';
  private componentName: string | undefined;
  private readonly reader = new FrameReader();
  private readonly streams = new Map<number, ServerStream>();
  private latestStreamId = 0;
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
    for (const item of this.reader.push(chunk)) {
      if (this.state === 'closed') return;
      if (item instanceof MissingRoutingHeaderError) {
        this.connectionError(protocolError('invalidMessage'), item.message);
      } else if (item instanceof FramingError) {
        // The C server answers nothing to bytes it cannot decode: it shuts the channel down.
        this.options.logger.warn('IPC message undecodable; closing the connection', { error: item.message });
        this.close();
      } else {
        this.onFrame(item);
      }
    }
  }

  private onFrame(frame: RpcFrame): void {
    if (this.state === 'awaiting-connect' && frame.type !== MessageType.connect) {
      this.connectionError(protocolError('connectNotCompleted'), 'a message before CONNECT');
      return;
    }
    if (frame.streamId !== 0) {
      this.onStreamFrame(frame);
      return;
    }
    if (frame.type <= MessageType.applicationError || frame.type >= MESSAGE_TYPE_COUNT) {
      this.connectionError(protocolError('invalidMessageType'), `message type ${frame.type} on stream 0`);
      return;
    }
    switch (frame.type) {
      case MessageType.connect:
        if (this.state === 'awaiting-connect') this.onConnect(frame);
        else this.connectionError(protocolError('connectNotCompleted'), 'a second CONNECT');
        return;
      case MessageType.ping:
        this.write(pingResponse(frame));
        return;
      case MessageType.pingResponse:
        return;
      default:
        this.connectionError(unrecognisedMessageType(frame.type), `message type ${frame.type} from a client`);
    }
  }

  private onConnect(frame: RpcFrame): void {
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
      this.write(connectAck(false));
      this.state = 'closed';
      setTimeout(() => this.close(), REFUSAL_CLOSE_DELAY_MS);
      return;
    }
    this.componentName = component;
    this.state = 'connected';
    this.write(connectAck(true));
    this.options.logger.debug('IPC client connected', { component });
  }

  private onStreamFrame(frame: RpcFrame): void {
    const { streamId } = frame;
    const terminates = (frame.flags & MessageFlags.terminateStream) !== 0;
    if (frame.type > MessageType.applicationError || streamId < 0) {
      this.connectionError(protocolError('invalidStreamId'), `message type ${frame.type} on stream ${streamId}`);
      return;
    }
    if (streamId <= this.latestStreamId) {
      const stream = this.streams.get(streamId);
      if (stream) this.onContinuation(stream, frame, terminates);
      // A terminate crossing the server's own last message is normal; anything else is not.
      else if (!terminates) this.connectionError(protocolError('invalidClientStreamId'), `stream ${streamId} is closed`);
      return;
    }
    if (streamId !== this.latestStreamId + 1) {
      this.connectionError(protocolError('invalidNewClientStreamId'), `stream ${streamId} after ${this.latestStreamId}`);
      return;
    }
    const operation = stringHeader(frame, 'operation') ?? '';
    if (operation === '') {
      this.connectionError(missingOperationError(), `stream ${streamId} without an operation`);
      return;
    }
    this.latestStreamId = streamId;
    // The Java handler does not run a request whose first message already ends the stream.
    if (terminates) return;
    const name = operation.startsWith(SHAPE_PREFIX) ? operation.slice(SHAPE_PREFIX.length) : operation;
    const handler = this.options.operations.get(name);
    if (!handler) {
      this.write(unsupportedOperation(streamId, operation));
      return;
    }
    void this.runOperation(handler, frame);
  }

  /**
   * A later message on an open stream. Greengrass's operations take no stream input, so only an
   * empty terminate is expected; anything else fails in the Java handler as an unmodelled error.
   */
  private onContinuation(stream: ServerStream, frame: RpcFrame, terminates: boolean): void {
    this.streams.delete(stream.streamId);
    stream.end();
    if (terminates && frame.body.length === 0) return;
    this.options.logger.warn('IPC stream input refused', { operation: stream.operation, streamId: stream.streamId });
    this.write(unmodelledError(stream.streamId));
  }

  private async runOperation(handler: OperationHandler, frame: RpcFrame): Promise<void> {
    const { streamId } = frame;
    const streaming = handler.eventShape !== undefined;
    const stream = new ServerStream(streamId, handler.name, (body) =>
      this.write(modelMessage(streamId, handler.eventShape ?? '', body, false)),
    );
    this.streams.set(streamId, stream);
    const caller = { componentName: this.componentName ?? '', logger: this.options.logger };
    let response: unknown;
    try {
      response = await handler.handle(parseRequest(handler, frame.body), caller, stream);
    } catch (error) {
      this.failStream(stream, error);
      return;
    }
    if (stream.closed) return;
    this.write(modelMessage(streamId, handler.responseShape, response ?? {}, !streaming));
    if (streaming) {
      stream.activate();
    } else {
      this.streams.delete(streamId);
      stream.end();
    }
  }

  private failStream(stream: ServerStream, error: unknown): void {
    this.streams.delete(stream.streamId);
    stream.end();
    if (error instanceof IpcServiceError) {
      this.write(modelledError(stream.streamId, error.shape, error.message));
      return;
    }
    this.options.logger.error('IPC operation threw an unexpected error', {
      operation: stream.operation,
      error: error instanceof Error ? error.message : String(error),
    });
    this.write(unmodelledError(stream.streamId));
  }

  /** A connection-level error of the C server: sent, then the connection closes. */
  private connectionError(frame: OutboundFrame, reason: string): void {
    this.options.logger.warn('IPC protocol error; closing the connection', { error: reason });
    this.write(frame);
    this.state = 'closed';
    this.options.socket.end(() => this.close());
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

/** An undecodable body fails in Gson before the handler runs (unmodelled); a bad field is the handler's to refuse. */
function parseRequest(handler: OperationHandler, body: Uint8Array): unknown {
  let json: unknown;
  try {
    const text = textOf(body);
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new Error(`${handler.name}: request body is not JSON`);
  }
  const parsed = handler.requestSchema.safeParse(json);
  if (!parsed.success) {
    throw new IpcServiceError('InvalidArgumentsError', `${handler.name}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
