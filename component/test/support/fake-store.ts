import type { AlgorithmConfig } from '../../src/config/algorithms.js';
import type { CredentialStore } from '../../src/credentials/credential-store.js';

export interface Credentials {
  certificate: string;
  key: string;
}

/** Where a fault is injected. */
export type StoreFault =
  'checkSupported' | 'createCsr' | 'rotateBeforeBackup' | 'rotateAfterBackup' | 'rollback' | 'deleteBackup' | 'backupExists';

/**
 * An in-memory CredentialStore with the file store's observable behaviour: a backup made by
 * rotate, restored and removed by rollback. Shared between two rotator instances it plays the
 * device's disk across a restart.
 */
export class FakeStore implements CredentialStore {
  installed: Credentials = { certificate: 'old-certificate', key: 'old-key' };
  backup: Credentials | undefined;
  pendingKey: string | undefined;
  /** Whether the installed certificate and key form a pair. */
  matching = true;
  readonly calls: string[] = [];
  readonly faults = new Set<StoreFault>();
  /** When set, createCsr waits for it: lets a test hold an effect in progress. */
  csrGate: Promise<void> | undefined;
  private keys = 0;

  checkSupported(algorithms: AlgorithmConfig): Promise<void> {
    this.calls.push(`checkSupported ${algorithms.keyAlgorithm} ${algorithms.signingAlgorithm}`);
    return this.faults.has('checkSupported')
      ? Promise.reject(new Error(`${algorithms.keyAlgorithm} is not supported by this token`))
      : Promise.resolve();
  }

  async createCsr(algorithms: AlgorithmConfig): Promise<string> {
    this.calls.push(`createCsr ${algorithms.keyAlgorithm} ${algorithms.signingAlgorithm}`);
    if (this.csrGate !== undefined) await this.csrGate;
    if (this.faults.has('createCsr')) throw new Error('key generation failed');
    this.pendingKey = `new-key-${++this.keys}`;
    return `-----BEGIN CERTIFICATE REQUEST-----\nCSR-FOR-${this.pendingKey}\n-----END CERTIFICATE REQUEST-----\n`;
  }

  rotate(certificatePem: string): Promise<void> {
    this.calls.push('rotate');
    if (this.faults.has('rotateBeforeBackup')) return Promise.reject(new Error('disk full'));
    this.backup = { ...this.installed };
    if (this.faults.has('rotateAfterBackup')) {
      this.installed = { certificate: certificatePem, key: this.installed.key };
      this.matching = false;
      return Promise.reject(new Error('write of the private key failed'));
    }
    this.installed = { certificate: certificatePem, key: this.pendingKey ?? 'missing-key' };
    this.pendingKey = undefined;
    return Promise.resolve();
  }

  rollback(): Promise<void> {
    this.calls.push('rollback');
    if (this.faults.has('rollback') || this.backup === undefined) return Promise.reject(new Error('no backup to restore'));
    this.installed = this.backup;
    this.backup = undefined;
    this.matching = true;
    return Promise.resolve();
  }

  backupExists(): Promise<boolean> {
    this.calls.push('backupExists');
    if (this.faults.has('backupExists')) return Promise.reject(new Error('token not present'));
    return Promise.resolve(this.backup !== undefined);
  }

  installedCredentialsMatch(): Promise<boolean> {
    this.calls.push('installedCredentialsMatch');
    return Promise.resolve(this.matching);
  }

  /** Fake certificates are their own ids. */
  keptCertificateId(): Promise<string> {
    this.calls.push('keptCertificateId');
    return Promise.resolve((this.backup ?? this.installed).certificate);
  }

  deleteBackup(): Promise<void> {
    this.calls.push('deleteBackup');
    if (this.faults.has('deleteBackup')) return Promise.reject(new Error('permission denied'));
    this.backup = undefined;
    return Promise.resolve();
  }
}
