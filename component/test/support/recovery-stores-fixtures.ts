import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { AlgorithmConfig } from '../../src/config/algorithms.js';
import type { CredentialStore } from '../../src/credentials/credential-store.js';
import { createLayout, filesWithPowerCut, PowerCut } from './file-store-fixtures.js';
import { FileCredentialStore } from '../../src/credentials/file-store.js';
import { createHsmFixture } from './softhsm/hsm-fixture.js';
import { tokenCertificateDer } from './softhsm/token-inspection.js';
import { createTestCa, type TestCa } from './softhsm/test-ca.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';

/**
 * Recovery tests run the same table against both real stores. A `Disk` is the device's persistent
 * credential storage (files in a temp dir, or a fresh SoftHSM2 token) and makes a NEW store
 * instance over it for each boot, as a restarted component does.
 */
export interface Disk {
  /** A new store over the same files or token. `powerCutAtChange` is honoured only by stores with a step hook. */
  newStore(options?: { powerCutAtChange?: number }): CredentialStore;
  /** AWS IoT's id of the certificate installed now (what the nucleus connects with). */
  installedCertificateId(): string;
  /** The backend's CA. */
  ca: TestCa;
  dispose(): Promise<void>;
}

export interface StoreKind {
  name: string;
  createDisk(): Promise<Disk>;
  /**
   * Number of durable changes `rotate` makes, when the store lets a test cut the power before any
   * one of them (a step hook); undefined when it offers none.
   */
  rotateChanges?: number;
}

function idOf(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** FileCredentialStore over a Greengrass-like layout in a temp dir; its `files` option is the step hook. */
export const FILE_STORE: StoreKind = {
  name: 'FileCredentialStore',
  // Remove both stale backups, write the two backups, write the certificate, write the key.
  rotateChanges: 6,
  createDisk: async () => {
    const layout = createLayout();
    const ca = await createTestCa();
    return {
      ca,
      newStore: (options = {}) =>
        new FileCredentialStore({
          ...layout,
          logger: new MemoryLogger(),
          ...(options.powerCutAtChange === undefined ? {} : { files: filesWithPowerCut(options.powerCutAtChange).files }),
        }),
      installedCertificateId: () => idOf(new X509Certificate(readFileSync(layout.certificatePath)).raw),
      dispose: () => rm(layout.root, { recursive: true, force: true }),
    };
  },
};

/** Pkcs11CredentialStore on a fresh SoftHSM2 token (no step hook: its cuts are covered by its own power-cut tests). */
export const PKCS11_STORE: StoreKind = {
  name: 'Pkcs11CredentialStore',
  createDisk: async () => {
    const fixture = await createHsmFixture();
    return {
      ca: fixture.ca,
      newStore: () => fixture.newStore(),
      installedCertificateId: () => {
        const der = tokenCertificateDer(fixture.token, fixture.device.label);
        if (der === undefined) throw new Error(`no certificate labelled ${fixture.device.label}`);
        return idOf(der);
      },
      dispose: () => fixture.dispose(),
    };
  },
};

/** Where the device loses power. */
export type StopPoint = 'afterCreateCsr' | 'afterRotate' | 'beforeDeleteBackup' | 'afterDeleteBackup' | { midRotateBeforeChange: number };

/**
 * A store on a device that can lose power: once `dead`, every call fails without touching the disk
 * (nothing runs on a device without power), and `onDeath` tells the device to stop.
 */
export class PoweredStore implements CredentialStore {
  dead = false;

  constructor(
    private readonly inner: CredentialStore,
    private readonly stop: StopPoint | undefined,
  ) {}

  private alive(): void {
    if (this.dead) throw new Error('the device has no power');
  }

  private die(): void {
    this.dead = true;
  }

  async checkSupported(algorithms: AlgorithmConfig): Promise<void> {
    this.alive();
    return this.inner.checkSupported(algorithms);
  }

  async createCsr(algorithms: AlgorithmConfig): Promise<string> {
    this.alive();
    const csr = await this.inner.createCsr(algorithms);
    if (this.stop === 'afterCreateCsr') this.die();
    return csr;
  }

  async rotate(certificatePem: string): Promise<void> {
    this.alive();
    try {
      await this.inner.rotate(certificatePem);
    } catch (error) {
      if (error instanceof PowerCut) this.die();
      throw error;
    }
    if (this.stop === 'afterRotate') this.die();
  }

  async rollback(): Promise<void> {
    this.alive();
    return this.inner.rollback();
  }

  async backupExists(): Promise<boolean> {
    this.alive();
    return this.inner.backupExists();
  }

  async installedCredentialsMatch(): Promise<boolean> {
    this.alive();
    return this.inner.installedCredentialsMatch();
  }

  async keptCertificateId(): Promise<string> {
    this.alive();
    return this.inner.keptCertificateId();
  }

  async deleteBackup(): Promise<void> {
    this.alive();
    if (this.stop === 'beforeDeleteBackup') {
      this.die();
      throw new Error('the device lost power before deleting the backup');
    }
    await this.inner.deleteBackup();
    if (this.stop === 'afterDeleteBackup') this.die();
  }
}
