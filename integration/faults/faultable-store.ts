import path from 'node:path';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { durableFiles, type DurableFiles } from '../../component/src/credentials/atomic-write.js';
import type { CredentialStore } from '../../component/src/credentials/credential-store.js';
import type { StorePoint } from './protocol-points.js';

/** Whether a simulated core has power; shared by its store, its connection and the runner. */
export interface PowerSwitch {
  on: boolean;
}

/** Raised inside a store when the power goes: nothing after it runs on the device. */
export class PowerCut extends Error {
  constructor(where: string) {
    super(`power cut ${where}`);
    this.name = 'PowerCut';
  }
}

/** Told of every durable change a store is about to make; throwing stops it there. */
export type ChangeListener = (point: StorePoint) => void;

/**
 * A credential store on a device that can lose power. Every durable change the real store makes
 * (a file written or removed, a token object changed) is announced first, with the operation it
 * belongs to and its place in it, so that a fault can be placed before exactly that change. With
 * the power off, every call fails without touching the files or the token.
 */
export class FaultableStore implements CredentialStore {
  private readonly inner: CredentialStore;
  private operation = 'none';
  private index = 0;

  /** @param makeInner builds the real store, given the function to call before each durable change */
  constructor(
    makeInner: (beforeChange: (change: string) => void) => CredentialStore,
    private readonly power: PowerSwitch,
    private readonly listener: () => ChangeListener | undefined,
  ) {
    this.inner = makeInner((change) => {
      if (!this.power.on) throw new PowerCut(`before ${change}`);
      this.listener()?.({ kind: 'store', operation: this.operation, index: this.index++, change });
    });
  }

  checkSupported(algorithms: AlgorithmConfig): Promise<void> {
    return this.run('checkSupported', () => this.inner.checkSupported(algorithms));
  }

  createCsr(algorithms: AlgorithmConfig): Promise<string> {
    return this.run('createCsr', () => this.inner.createCsr(algorithms));
  }

  rotate(certificatePem: string): Promise<void> {
    return this.run('rotate', () => this.inner.rotate(certificatePem));
  }

  rollback(): Promise<void> {
    return this.run('rollback', () => this.inner.rollback());
  }

  deleteBackup(): Promise<void> {
    return this.run('deleteBackup', () => this.inner.deleteBackup());
  }

  backupExists(): Promise<boolean> {
    return this.read(() => this.inner.backupExists());
  }

  installedCredentialsMatch(): Promise<boolean> {
    return this.read(() => this.inner.installedCredentialsMatch());
  }

  keptCertificateId(): Promise<string> {
    return this.read(() => this.inner.keptCertificateId());
  }

  private async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    if (!this.power.on) throw new PowerCut(`before ${operation}`);
    this.operation = operation;
    this.index = 0;
    return work();
  }

  private async read<T>(work: () => Promise<T>): Promise<T> {
    if (!this.power.on) throw new PowerCut('before a read');
    return work();
  }
}

/** The durable file operations, each write and removal announced first (named as the file store's tests name them). */
export function announcedFiles(beforeChange: (change: string) => void): DurableFiles {
  return {
    read: durableFiles.read,
    exists: durableFiles.exists,
    writeAtomic: async (filePath, data, mode) => {
      beforeChange(`write ${path.basename(filePath)}`);
      await durableFiles.writeAtomic(filePath, data, mode);
    },
    remove: async (filePath) => {
      beforeChange(`remove ${path.basename(filePath)}`);
      await durableFiles.remove(filePath);
    },
  };
}
