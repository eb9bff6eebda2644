import { Pkcs11CredentialStore } from '../../../src/credentials/pkcs11/pkcs11-credential-store.js';
import { provisionDeviceCredentials, type DeviceCredentialOptions, type DeviceCredentials } from './device-credentials.js';
import { createSoftHsmToken, type SoftHsmToken, type SoftHsmTokenOptions } from './softhsm-token.js';
import { createTestCa, type TestCa } from './test-ca.js';
import { MemoryLogger } from '../../../../shared/test/support/memory-logger.js';

/** A fresh token provisioned with device credentials, and a way to make stores on it. */
export interface HsmFixture {
  token: SoftHsmToken;
  ca: TestCa;
  device: DeviceCredentials;
  logger: MemoryLogger;
  /** A new store on the token, as a restarted component would construct it. */
  newStore(): Pkcs11CredentialStore;
  dispose(): Promise<void>;
}

export interface HsmFixtureOptions extends SoftHsmTokenOptions {
  device?: Partial<DeviceCredentialOptions>;
}

export async function createHsmFixture(options: HsmFixtureOptions = {}): Promise<HsmFixture> {
  const token = await createSoftHsmToken(options);
  try {
    const ca = await createTestCa();
    const device = await provisionDeviceCredentials(token, ca, {
      label: 'greengrass-core',
      id: Buffer.from([0xde, 0xad]),
      ...options.device,
    });
    const logger = new MemoryLogger();
    return {
      token,
      ca,
      device,
      logger,
      newStore: () => {
        token.activate();
        return new Pkcs11CredentialStore({ paths: device.paths, provider: token.provider, logger });
      },
      dispose: () => token.dispose(),
    };
  } catch (error) {
    await token.dispose();
    throw error;
  }
}
