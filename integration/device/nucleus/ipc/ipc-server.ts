import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import type { Logger } from '../../../../shared/logging/logger.js';
import { IpcConnection } from './connection.js';
import type { OperationHandler } from './operation.js';

export interface IpcServerOptions {
  /** Unix socket path; Greengrass uses `<root>/ipc.socket`. */
  socketPath: string;
  operations: readonly OperationHandler[];
  logger: Logger;
}

/**
 * Greengrass IPC on a Unix socket: event-stream RPC with a CONNECT handshake that maps the
 * caller's SVCUID to its component, then the given operations.
 */
export class IpcServer {
  private readonly tokens = new Map<string, string>();
  private readonly connections = new Set<IpcConnection>();
  private readonly operations: ReadonlyMap<string, OperationHandler>;

  private constructor(
    private readonly server: net.Server,
    private readonly options: IpcServerOptions,
  ) {
    this.operations = new Map(options.operations.map((op) => [op.name, op]));
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(options: IpcServerOptions): Promise<IpcServer> {
    // A socket file left by a process that died (power cut) would make listen fail.
    await rm(options.socketPath, { force: true });
    const server = net.createServer();
    const ipc = new IpcServer(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.socketPath, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    return ipc;
  }

  get socketPath(): string {
    return this.options.socketPath;
  }

  /** Issues a fresh auth token (the SVCUID) for a component's process. */
  issueToken(componentName: string): string {
    const token = randomBytes(16).toString('hex').toUpperCase();
    this.tokens.set(token, componentName);
    return token;
  }

  /** Tokens die with the process they were issued to, as Greengrass rotates SVCUIDs on restart. */
  revokeTokens(componentName: string): void {
    for (const [token, component] of this.tokens) if (component === componentName) this.tokens.delete(token);
  }

  /** Drops every connection of a component (its process is gone). */
  disconnect(componentName: string): void {
    for (const connection of this.connections) if (connection.component === componentName) connection.close();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.close();
    this.connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.options.socketPath, { force: true });
  }

  private accept(socket: net.Socket): void {
    const connection = new IpcConnection({
      socket,
      authenticate: (token) => (token === undefined ? undefined : this.tokens.get(token)),
      operations: this.operations,
      logger: this.options.logger,
    });
    this.connections.add(connection);
    connection.onClose(() => this.connections.delete(connection));
  }
}
