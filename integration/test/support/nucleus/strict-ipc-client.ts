import { MessageFlags, MessageType, SHAPE_PREFIX, stringHeader, textOf, type RpcFrame } from '../../../device/nucleus/ipc/framing.js';
import { RawIpcClient } from './raw-ipc-client.js';

/**
 * A Greengrass IPC client as strict as the Python SDK's (aws-iot-device-sdk-python-v2
 * awsiot/eventstreamrpc.py, `ClientOperation._on_continuation_message` and `_handle_data`): it
 * takes an application message or error only with `service-model-type` and
 * `:content-type: application/json`, and only of the shape the operation expects.
 */

/** What the strict client makes of one message on an operation's stream. */
export type StrictReading =
  | { kind: 'response' | 'event'; shape: string; body: unknown }
  | { kind: 'error'; shape: string; body: unknown }
  /** An empty terminating message: the client lets it pass. */
  | { kind: 'ignored' }
  /** The client raises UnmappedDataError with this message and fails the call. */
  | { kind: 'refused'; message: string };

export interface OperationShapes {
  response: string;
  event?: string;
}

/** The shapes eventstreamrpc.py's shape index knows as errors of the Greengrass service. */
const ERROR_SHAPES = new Set(
  [
    'ServiceError',
    'UnauthorizedError',
    'ResourceNotFoundError',
    'InvalidArgumentsError',
    'ConflictError',
    'FailedUpdateConditionCheckError',
    'ComponentNotFoundError',
    'InvalidTokenError',
    'InvalidArtifactsDirectoryPathError',
    'InvalidRecipeDirectoryPathError',
    'InvalidClientDeviceAuthTokenError',
  ].map((shape) => `${SHAPE_PREFIX}${shape}`),
);

/** Reads the `index`-th message (1-based) of an operation's stream as the Python client does. */
export function readStrictly(frame: RpcFrame, index: number, shapes: OperationShapes): StrictReading {
  const model = stringHeader(frame, 'service-model-type');
  if (model === undefined) {
    if (frame.flags & MessageFlags.terminateStream) return { kind: 'ignored' };
    return { kind: 'refused', message: 'Missing header: service-model-type' };
  }
  const contentType = stringHeader(frame, ':content-type');
  if (contentType === undefined) return { kind: 'refused', message: 'Missing header: :content-type' };
  if (contentType !== 'application/json') {
    return { kind: 'refused', message: `Unexpected :content-type: '${contentType}', expected: 'application/json'` };
  }
  const body: unknown = JSON.parse(textOf(frame.body));
  if (frame.type === MessageType.application) {
    const expected = `${SHAPE_PREFIX}${index === 1 ? shapes.response : (shapes.event ?? '')}`;
    if (index > 1 && shapes.event === undefined) {
      return { kind: 'refused', message: `Operation does not support response stream events, received type: ${model}` };
    }
    if (model !== expected) {
      const what = index === 1 ? 'response type' : 'response stream event type';
      return { kind: 'refused', message: `Unexpected ${what}: ${model}, expected: ${expected}` };
    }
    return { kind: index === 1 ? 'response' : 'event', shape: model, body };
  }
  if (!ERROR_SHAPES.has(model)) return { kind: 'refused', message: `Unknown error type: ${model}` };
  return { kind: 'error', shape: model, body };
}

/** One connection of the strict client. */
export class StrictIpcClient {
  private nextStreamId = 1;
  private readonly counts = new Map<number, number>();

  private constructor(readonly raw: RawIpcClient) {}

  /** Connects and completes the handshake; fails unless the server accepts. */
  static async connect(socketPath: string, authToken: string): Promise<StrictIpcClient> {
    const raw = await RawIpcClient.connect(socketPath);
    raw.sendConnect(authToken);
    const ack = await raw.next();
    if (ack.type !== MessageType.connectAck || (ack.flags & MessageFlags.connectionAccepted) === 0) {
      raw.close();
      throw new Error(`connection not accepted (message type ${ack.type}, flags ${ack.flags})`);
    }
    return new StrictIpcClient(raw);
  }

  /** Sends a request as the Python client does (with its content type and request shape) and reads the first reply. */
  async call(operation: string, request: unknown, shapes: OperationShapes): Promise<{ streamId: number; reading: StrictReading }> {
    const streamId = this.nextStreamId;
    this.nextStreamId += 1;
    this.raw.send({
      type: MessageType.application,
      flags: 0,
      streamId,
      headers: {
        operation: { type: 'string', value: `${SHAPE_PREFIX}${operation}` },
        ':content-type': { type: 'string', value: 'application/json' },
        'service-model-type': { type: 'string', value: `${SHAPE_PREFIX}${operation}Request` },
      },
      body: Buffer.from(JSON.stringify(request)),
    });
    return { streamId, reading: await this.read(streamId, shapes) };
  }

  /** Reads the next message of a stream, failing if a message for another stream arrives first. */
  async read(streamId: number, shapes: OperationShapes): Promise<StrictReading> {
    const frame = await this.raw.next();
    if (frame.streamId !== streamId) throw new Error(`expected a message on stream ${streamId}, got one on ${frame.streamId}`);
    const index = (this.counts.get(streamId) ?? 0) + 1;
    this.counts.set(streamId, index);
    return readStrictly(frame, index, shapes);
  }

  close(): void {
    this.raw.close();
  }
}
