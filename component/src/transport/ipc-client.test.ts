import { describe, expect, it } from 'vitest';
import { connectWithRetry, ipcClientConfig, ipcEndpointFromEnv, type ConnectableClient } from './ipc-client.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';

describe('ipcEndpointFromEnv', () => {
  it('reads the socket path and token the nucleus sets', () => {
    expect(ipcEndpointFromEnv({ AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT: '/gg/ipc.socket', SVCUID: 'tok' })).toEqual({
      socketPath: '/gg/ipc.socket',
      authToken: 'tok',
    });
    expect(ipcEndpointFromEnv({ AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT: '/gg/ipc.socket' })).toEqual({
      socketPath: '/gg/ipc.socket',
    });
  });

  it('refuses to start without a socket path', () => {
    expect(() => ipcEndpointFromEnv({ SVCUID: 'tok' })).toThrow('AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT is not set');
  });
});

describe('ipcClientConfig', () => {
  it('points the client at the given socket and sends the auth token on CONNECT', async () => {
    const config = ipcClientConfig({ socketPath: '/tmp/x.socket', authToken: 'secret-token' });
    expect(config.hostName).toBe('/tmp/x.socket');
    expect(config.port).toBe(0);
    const message = await config.connectTransform!({ message: { type: 4, headers: [] } });
    expect(JSON.parse(String(message.payload))).toEqual({ authToken: 'secret-token' });
  });
});

class FakeClient implements ConnectableClient {
  closed = false;
  constructor(private readonly fails: boolean) {}
  async connect(): Promise<void> {
    if (this.fails) throw new Error('connection refused');
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('connectWithRetry', () => {
  it('retries with a capped backoff, closing each failed client, and logs every attempt', async () => {
    const clients: FakeClient[] = [];
    const sleeps: number[] = [];
    const logger = new MemoryLogger();
    const client = await connectWithRetry({
      createClient: () => {
        const c = new FakeClient(clients.length < 4);
        clients.push(c);
        return c;
      },
      logger,
      retry: { initialDelayMs: 100, maxDelayMs: 300, maxAttempts: Infinity },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    expect(client).toBe(clients[4]);
    expect(sleeps).toEqual([100, 200, 300, 300]);
    expect(clients.map((c) => c.closed)).toEqual([true, true, true, true, false]);
    expect(logger.entries.filter((l) => l.message === 'Connecting to Greengrass IPC')).toHaveLength(5);
    expect(logger.entries.filter((l) => l.level === 'warn')[0]?.fields).toEqual({
      attempt: 1,
      reason: 'connection refused',
      retryInMs: 100,
    });
  });

  it('gives up after the last allowed attempt', async () => {
    await expect(
      connectWithRetry({
        createClient: () => new FakeClient(true),
        logger: new MemoryLogger(),
        retry: { initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 2 },
        sleep: async () => undefined,
      }),
    ).rejects.toThrow('Could not connect to Greengrass IPC after 2 attempts: connection refused');
  });

  it('retries when creating the client itself throws', async () => {
    let calls = 0;
    const client = await connectWithRetry({
      createClient: () => {
        calls += 1;
        if (calls === 1) throw new Error('no socket');
        return new FakeClient(false);
      },
      logger: new MemoryLogger(),
      sleep: async () => undefined,
    });
    expect(client).toBeInstanceOf(FakeClient);
    expect(calls).toBe(2);
  });
});
