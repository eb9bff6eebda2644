import sdkIpc from 'aws-iot-device-sdk-v2/dist/greengrasscoreipc.js';
import type { RpcClientConfig } from 'aws-iot-device-sdk-v2/dist/eventstream_rpc.js';
import type { Logger } from '../../../shared/logging/logger.js';

/** The Greengrass IPC client of aws-iot-device-sdk-v2. */
export type IpcClient = sdkIpc.Client;

/** Environment variables the nucleus sets for every component process. */
export const IPC_SOCKET_ENV = 'AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT';
export const IPC_AUTH_TOKEN_ENV = 'SVCUID';

export interface IpcEndpoint {
  /** Unix socket path (Linux) or named pipe (Windows) served by the nucleus. */
  socketPath: string;
  /** The component's IPC auth token; without one the CONNECT payload is empty. */
  authToken?: string;
}

/**
 * Reads the endpoint from the variables the nucleus sets. Throws when the socket path is
 * missing: the process was not started by Greengrass, and retrying cannot help.
 */
export function ipcEndpointFromEnv(env: NodeJS.ProcessEnv): IpcEndpoint {
  const socketPath = env[IPC_SOCKET_ENV];
  if (socketPath === undefined || socketPath === '') {
    throw new Error(`${IPC_SOCKET_ENV} is not set: this process must be started by a Greengrass nucleus to reach Greengrass IPC`);
  }
  const authToken = env[IPC_AUTH_TOKEN_ENV];
  return authToken === undefined || authToken === '' ? { socketPath } : { socketPath, authToken };
}

/** Client configuration for an explicit endpoint, so a caller can point it at any socket. */
export function ipcClientConfig(endpoint: IpcEndpoint): RpcClientConfig {
  // The SDK's default supplies the local-domain socket options; endpoint and token are ours.
  const base = sdkIpc.createDefaultClientConfig();
  const { authToken } = endpoint;
  return {
    ...base,
    hostName: endpoint.socketPath,
    port: 0,
    connectTransform: async (options) => {
      const message = options.message;
      if (authToken !== undefined) message.payload = JSON.stringify({ authToken });
      return message;
    },
  };
}

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Attempts before giving up; Infinity retries until it succeeds, as the original does. */
  maxAttempts: number;
}

export const DEFAULT_IPC_RETRY: RetryPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, maxAttempts: Infinity };

/** Minimal surface of a client during connection, so tests can drive failures. */
export interface ConnectableClient {
  connect(): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectWithRetryOptions<C extends ConnectableClient> {
  createClient: () => C;
  logger: Logger;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates and connects a client, retrying with capped exponential backoff. A client can
 * connect only once, so every attempt uses a fresh one and closes the failed one.
 */
export async function connectWithRetry<C extends ConnectableClient>(options: ConnectWithRetryOptions<C>): Promise<C> {
  const retry = options.retry ?? DEFAULT_IPC_RETRY;
  const sleep = options.sleep ?? realSleep;
  let delay = retry.initialDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    options.logger.info('Connecting to Greengrass IPC', { attempt });
    let client: C | undefined;
    try {
      client = options.createClient();
      await client.connect();
      options.logger.info('Connected to Greengrass IPC', { attempt });
      return client;
    } catch (error) {
      await client?.close().catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      if (attempt >= retry.maxAttempts) {
        throw new Error(`Could not connect to Greengrass IPC after ${attempt} attempts: ${reason}`);
      }
      options.logger.warn('Greengrass IPC connection failed; retrying', { attempt, reason, retryInMs: delay });
      await sleep(delay);
      delay = Math.min(delay * 2, retry.maxDelayMs);
    }
  }
}

/** Connects the real SDK client to `endpoint`, retrying as `connectWithRetry` does. */
export function connectIpc(endpoint: IpcEndpoint, logger: Logger, retry?: RetryPolicy): Promise<IpcClient> {
  const config = ipcClientConfig(endpoint);
  return connectWithRetry({
    createClient: () => sdkIpc.createClient(config),
    logger,
    ...(retry === undefined ? {} : { retry }),
  });
}
