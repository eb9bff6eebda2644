import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_MESSAGE,
  getComponentConfiguration,
  readAlgorithmConfiguration,
  subscribeToConfigurationValidation,
  type AlgorithmConfigValidator,
  type IpcConfigurationClient,
} from './ipc-configuration.js';
import { FakeStream } from '../../test/support/ipc-fakes.js';
import type { AlgorithmConfig } from '../config/algorithms.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';

/** Stand-in for config/validate.ts: accepts RSA-2048 or ECDSA-P256 with a matching family. */
const validate: AlgorithmConfigValidator = (candidate) => {
  const c = candidate as Partial<AlgorithmConfig> | undefined;
  if (c?.keyAlgorithm !== 'RSA-2048' && c?.keyAlgorithm !== 'ECDSA-P256') return { valid: false, message: 'Invalid key algorithm' };
  if (c.signingAlgorithm === undefined) return { valid: false, message: 'Invalid signing algorithm' };
  const rsaKey = c.keyAlgorithm.startsWith('RSA');
  if (rsaKey !== c.signingAlgorithm.includes('RSA')) {
    return { valid: false, message: 'Key algorithm and signing algorithm have mismatched types' };
  }
  return { valid: true, config: { keyAlgorithm: c.keyAlgorithm, signingAlgorithm: c.signingAlgorithm } };
};

function fakeClient(configuration: Record<string, unknown>, options: { reportFails?: boolean } = {}) {
  const requests: unknown[] = [];
  const reports: unknown[] = [];
  const streams: FakeStream<unknown>[] = [];
  let reported: () => void = () => undefined;
  const client = {
    getConfiguration: async (request: { componentName?: string; keyPath: string[] }) => {
      requests.push(request);
      const value = configuration[request.componentName ?? 'self'];
      if (value === undefined) throw Object.assign(new Error('Operation failed'), { serviceError: { message: 'Key not found' } });
      return { componentName: request.componentName, value };
    },
    subscribeToValidateConfigurationUpdates: (request: unknown) => {
      const stream = new FakeStream(request);
      streams.push(stream);
      return stream;
    },
    sendConfigurationValidityReport: async (request: unknown) => {
      reports.push(request);
      reported();
      if (options.reportFails) throw new Error('closed');
      return {};
    },
  };
  const nextReport = () => new Promise<void>((resolve) => (reported = resolve));
  // Only the operations under test are implemented.
  return { client: client as unknown as IpcConfigurationClient, requests, reports, streams, nextReport };
}

describe('GetConfiguration', () => {
  it("reads and validates this component's algorithms", async () => {
    const fake = fakeClient({ self: { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256', accessControl: {} } });
    await expect(readAlgorithmConfiguration(fake.client, validate)).resolves.toEqual({
      keyAlgorithm: 'ECDSA-P256',
      signingAlgorithm: 'ECDSA-WITH-SHA256',
    });
    expect(fake.requests).toEqual([{ keyPath: [] }]);
  });

  it("refuses an invalid configuration with the validator's reason", async () => {
    const fake = fakeClient({ self: { keyAlgorithm: 'RSA-1024', signingAlgorithm: 'SHA256WITHRSA' } });
    await expect(readAlgorithmConfiguration(fake.client, validate)).rejects.toThrow(
      'Component configuration is invalid: Invalid key algorithm',
    );
  });

  it("reads another component's configuration and names it on failure", async () => {
    const fake = fakeClient({ 'aws.greengrass.crypto.Pkcs11Provider': { library: '/usr/lib/softhsm/libsofthsm2.so', slot: 1 } });
    await expect(getComponentConfiguration(fake.client, 'aws.greengrass.crypto.Pkcs11Provider')).resolves.toEqual({
      library: '/usr/lib/softhsm/libsofthsm2.so',
      slot: 1,
    });
    await expect(getComponentConfiguration(fake.client, 'aws.greengrass.Other', ['a'])).rejects.toThrow(
      'GetConfiguration of aws.greengrass.Other failed: Operation failed: Key not found',
    );
    expect(fake.requests[1]).toEqual({ componentName: 'aws.greengrass.Other', keyPath: ['a'] });
  });
});

describe('configuration validation', () => {
  const proposal = (deploymentId: string, configuration: unknown) => ({
    validateConfigurationUpdateEvent: { deploymentId, configuration },
  });

  it('accepts a valid proposal, echoes the deployment id and applies it', async () => {
    const fake = fakeClient({});
    const accepted: AlgorithmConfig[] = [];
    await subscribeToConfigurationValidation(fake.client, { validate, onAccepted: (c) => accepted.push(c), logger: new MemoryLogger() });
    const sent = fake.nextReport();
    fake.streams[0]!.emit('message', proposal('d-1', { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA384' }));
    await sent;
    expect(fake.reports).toEqual([{ configurationValidityReport: { status: 'ACCEPTED', deploymentId: 'd-1', message: ACCEPTED_MESSAGE } }]);
    expect(accepted).toEqual([{ keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA384' }]);
  });

  it("rejects an invalid proposal with the validator's message and keeps the algorithms", async () => {
    const fake = fakeClient({});
    const accepted: AlgorithmConfig[] = [];
    await subscribeToConfigurationValidation(fake.client, { validate, onAccepted: (c) => accepted.push(c), logger: new MemoryLogger() });
    const sent = fake.nextReport();
    fake.streams[0]!.emit('message', proposal('d-2', { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'ECDSA-WITH-SHA256' }));
    await sent;
    expect(fake.reports).toEqual([
      {
        configurationValidityReport: {
          status: 'REJECTED',
          deploymentId: 'd-2',
          message: 'Key algorithm and signing algorithm have mismatched types',
        },
      },
    ]);
    expect(accepted).toEqual([]);
  });

  it('ignores an event without a deployment id', async () => {
    const fake = fakeClient({});
    const logger = new MemoryLogger();
    await subscribeToConfigurationValidation(fake.client, { validate, onAccepted: () => undefined, logger });
    fake.streams[0]!.emit('message', { validateConfigurationUpdateEvent: { configuration: {} } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.reports).toEqual([]);
    expect(logger.entries[0]?.message).toBe('Ignoring malformed configuration validation event');
    expect(logger.entries[0]?.fields?.error).toContain('deploymentId');
  });

  it('logs a lost report without throwing', async () => {
    const fake = fakeClient({}, { reportFails: true });
    const logger = new MemoryLogger();
    await subscribeToConfigurationValidation(fake.client, { validate, onAccepted: () => undefined, logger });
    const sent = fake.nextReport();
    fake.streams[0]!.emit('message', proposal('d-3', {}));
    await sent;
    await new Promise((resolve) => setImmediate(resolve));
    expect(logger.entries.map((l) => l.message)).toEqual(['Validating proposed configuration', 'SendConfigurationValidityReport failed']);
  });

  it('closes its stream', async () => {
    const fake = fakeClient({});
    const handle = await subscribeToConfigurationValidation(fake.client, {
      validate,
      onAccepted: () => undefined,
      logger: new MemoryLogger(),
    });
    await handle.close();
    expect(fake.streams[0]?.closed).toBe(true);
  });
});
