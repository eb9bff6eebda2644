import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { validateAlgorithmConfig } from '../config/validate.js';
import { credentialMode, type GreengrassPaths } from '../config/effective-config.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import type { RotatorDeps, RotatorHandle } from '../runtime/rotator-deps.js';
import { FakeStream } from '../../test/support/ipc-fakes.js';
import { startComponent, type ComponentHost, type ComponentIpcClient } from './start-component.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';

const PATHS: GreengrassPaths = {
  rootPath: '/greengrass/v2',
  certificateFilePath: '/greengrass/v2/thingCert.crt',
  privateKeyPath: '/greengrass/v2/privKey.key',
  thingName: 'core-1',
};
const ENV = { AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT: '/greengrass/v2/ipc.socket', SVCUID: 'token' };

class FakeIpc extends EventEmitter {
  configuration: unknown = { keyAlgorithm: 'RSA-3072', signingAlgorithm: 'SHA384WITHRSA' };
  validationStream = new FakeStream<unknown>({});
  reports: unknown[] = [];
  async getConfiguration() {
    return { value: this.configuration };
  }
  subscribeToValidateConfigurationUpdates() {
    return this.validationStream;
  }
  async sendConfigurationValidityReport(request: unknown) {
    this.reports.push(request);
    return {};
  }
  subscribeToIoTCore() {
    return new FakeStream<unknown>({});
  }
  async publishToIoTCore() {
    return {};
  }
  async close() {}
}

function fakeStore(backup: boolean): CredentialStore {
  const unused = async (): Promise<never> => {
    throw new Error('not used at start-up');
  };
  return {
    checkSupported: unused,
    createCsr: unused,
    rotate: unused,
    rollback: unused,
    installedCredentialsMatch: unused,
    deleteBackup: unused,
    keptCertificateId: unused,
    backupExists: async () => backup,
  };
}

function host(overrides: Partial<ComponentHost> = {}, ipc = new FakeIpc(), backup = false) {
  const events: string[] = [];
  const exits: number[] = [];
  const rotatorDeps: RotatorDeps[] = [];
  const logger = Object.assign(new MemoryLogger(), {
    flush: async () => {
      events.push('flush');
    },
  });
  const value: ComponentHost = {
    logger,
    env: ENV,
    loadEffectiveConfig: () => PATHS,
    credentialMode,
    connectIpc: async (endpoint) => {
      events.push(`connect ${endpoint.socketPath}`);
      // The fake implements the operations start-up uses.
      return ipc as unknown as ComponentIpcClient;
    },
    createStore: async (_paths, mode) => {
      events.push(`store ${mode}`);
      return fakeStore(backup);
    },
    validate: validateAlgorithmConfig,
    startRotator: async (deps) => {
      rotatorDeps.push(deps);
      events.push('rotator');
      const handle: RotatorHandle = { state: () => 'GettingJob', stop: async () => undefined };
      return handle;
    },
    clock: { setTimeout: () => 0, clearTimeout: () => undefined },
    exit: (code) => {
      events.push(`exit ${code}`);
      exits.push(code);
    },
    ...overrides,
  };
  return { host: value, events, exits, rotatorDeps, logger, ipc };
}

describe('startComponent', () => {
  it('connects, creates the store, reads the algorithms and starts the rotator', async () => {
    const t = host();
    const running = await startComponent(t.host);
    expect(t.events).toEqual(['connect /greengrass/v2/ipc.socket', 'store file', 'rotator']);
    const deps = t.rotatorDeps[0]!;
    expect(deps.thingName).toBe('core-1');
    expect(deps.algorithms()).toEqual({ keyAlgorithm: 'RSA-3072', signingAlgorithm: 'SHA384WITHRSA' });
    expect(running.rotator.state()).toBe('GettingJob');
  });

  it('restarts Greengrass by flushing the logs and exiting with 0', async () => {
    const t = host();
    await startComponent(t.host);
    await t.rotatorDeps[0]!.restart();
    expect(t.events.slice(-2)).toEqual(['flush', 'exit 0']);
  });

  it('applies an accepted configuration proposal to the algorithms in force', async () => {
    const t = host();
    const running = await startComponent(t.host);
    t.ipc.validationStream.emit('message', {
      validateConfigurationUpdateEvent: {
        deploymentId: 'd-1',
        configuration: { keyAlgorithm: 'ECDSA-P384', signingAlgorithm: 'ECDSA-WITH-SHA384' },
      },
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(running.algorithms()).toEqual({ keyAlgorithm: 'ECDSA-P384', signingAlgorithm: 'ECDSA-WITH-SHA384' });
    expect(t.ipc.reports).toHaveLength(1);
  });

  it('exits non-zero when the IPC connection drops', async () => {
    const t = host();
    await startComponent(t.host);
    t.ipc.emit('disconnection');
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.exits).toEqual([1]);
  });

  it('refuses to start outside Greengrass, before connecting', async () => {
    const t = host({ env: {} });
    await expect(startComponent(t.host)).rejects.toThrow('AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT is not set');
    expect(t.events).toEqual([]);
  });

  it('passes the PKCS#11 mode to the store factory and surfaces its refusal', async () => {
    const t = host({
      loadEffectiveConfig: () => ({ ...PATHS, privateKeyPath: 'pkcs11:object=core;type=private' }),
      createStore: async (_paths, mode) => {
        throw new Error(`${mode}: PKCS#11 support is not built into this artifact`);
      },
    });
    await expect(startComponent(t.host)).rejects.toThrow('pkcs11: PKCS#11 support is not built into this artifact');
  });

  it('refuses an invalid configuration when no rotation is under way', async () => {
    const ipc = new FakeIpc();
    ipc.configuration = { keyAlgorithm: 'RSA-1024', signingAlgorithm: 'SHA256WITHRSA' };
    const t = host({}, ipc, false);
    await expect(startComponent(t.host)).rejects.toThrow(/Component configuration is invalid: Invalid key algorithm/);
    expect(t.rotatorDeps).toEqual([]);
  });

  it('finishes a rotation under way with the default algorithms when the configuration is invalid', async () => {
    const ipc = new FakeIpc();
    ipc.configuration = { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'ECDSA-WITH-SHA256' };
    const t = host({}, ipc, true);
    await startComponent(t.host);
    expect(t.rotatorDeps[0]!.algorithms()).toEqual({ keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' });
    expect(t.logger.entries.find((l) => l.level === 'error')?.fields?.error).toContain('mismatched types');
  });
});
