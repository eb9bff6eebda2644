import net from 'node:net';
import type { MessageHeaders } from '@smithy/eventstream-codec';
import {
  encodeFrame,
  FrameReader,
  FramingError,
  MessageType,
  type OutboundFrame,
  type RpcFrame,
} from '../../../device/nucleus/ipc/framing.js';
import { PROTOCOL_VERSION } from '../../../device/nucleus/ipc/connection.js';

/** A header set as plain values in wire order, for comparing what a frame carries. */
export type HeaderList = Array<[string, string | number]>;

export function headerList(headers: MessageHeaders): HeaderList {
  return Object.entries(headers).map(([name, header]) => [name, header.value as string | number]);
}

/**
 * An IPC client that speaks raw event-stream frames: tests see every byte the server sends, with
 * nothing in between that could add, drop or forgive a header.
 */
export class RawIpcClient {
  private readonly reader = new FrameReader();
  private readonly received: RpcFrame[] = [];
  private waiters: Array<() => void> = [];
  private ended = false;
  private failure: FramingError | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const item of this.reader.push(chunk)) {
        if (item instanceof FramingError) this.failure = item;
        else this.received.push(item);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async connect(socketPath: string): Promise<RawIpcClient> {
    const socket = net.createConnection(socketPath);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawIpcClient(socket);
  }

  send(frame: OutboundFrame): void {
    this.socket.write(encodeFrame(frame));
  }

  /** Writes bytes as they are (a corrupt or hand-built message). */
  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** CONNECT as the Greengrass clients send it. */
  sendConnect(authToken: string | undefined): void {
    this.send({
      type: MessageType.connect,
      flags: 0,
      streamId: 0,
      headers: { ':version': { type: 'string', value: PROTOCOL_VERSION } },
      body: Buffer.from(authToken === undefined ? '' : JSON.stringify({ authToken })),
    });
  }

  /** Opens stream `streamId` with an operation's request, as the JavaScript client does (no content type). */
  sendRequest(streamId: number, operation: string, request: unknown, flags = 0): void {
    this.send({
      type: MessageType.application,
      flags,
      streamId,
      headers: { operation: { type: 'string', value: `aws.greengrass#${operation}` } },
      body: Buffer.from(JSON.stringify(request)),
    });
  }

  /** The next frame the server sends; fails if the connection closes first or nothing comes in time. */
  async next(timeoutMs = 10_000): Promise<RpcFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.received.shift();
      if (frame) return frame;
      if (this.failure) throw this.failure;
      if (this.ended) throw new Error('the server closed the connection');
      if (Date.now() > deadline) throw new Error('no frame from the server in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server has closed the connection; the frames it sent before stay readable. */
  async closedByServer(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the server kept the connection open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames received and not yet read. */
  get pending(): readonly RpcFrame[] {
    return this.received;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
