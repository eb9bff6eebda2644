import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import path from 'node:path';
import type { AlgorithmConfig } from '../config/algorithms.js';
import { csrSignatureAlgorithm } from '../crypto/signature-algorithm.js';
import { certificateMatchesPrivateKey } from '../crypto/key-match.js';
import type { Logger } from '../../../shared/logging/logger.js';
import { durableFiles, type DurableFiles } from './atomic-write.js';
import { CertificateRefusedError, newCertificateRefusal } from './certificate-refusal.js';
import type { CredentialStore } from './credential-store.js';

/** Backup names in the component's working directory; the original component uses the same ones. */
export const CERTIFICATE_BACKUP_FILE = 'certificate.bak';
export const PRIVATE_KEY_BACKUP_FILE = 'private_key.bak';

const KEY_MODE = 0o600;
const CERTIFICATE_MODE = 0o644;

export interface FileCredentialStoreOptions {
  /** `system.certificateFilePath` of the Greengrass effective configuration. */
  certificatePath: string;
  /** `system.privateKeyPath` of the Greengrass effective configuration. */
  privateKeyPath: string;
  /** The component's working directory, where the backups live. */
  workDirectory: string;
  logger: Logger;
  /** File operations; the durable defaults unless a test injects faults. */
  files?: DurableFiles;
}

interface PendingKey {
  privateKey: KeyObject;
  privateKeyPem: string;
  algorithms: AlgorithmConfig;
}

/** AWS IoT's certificate id: SHA-256 of the DER, lower-case hex. Safe to log. */
export function certificateId(certificate: X509Certificate): string {
  return createHash('sha256').update(certificate.raw).digest('hex');
}

function pairMatches(certificatePem: Buffer, privateKeyPem: Buffer): boolean {
  try {
    return certificateMatchesPrivateKey(certificatePem.toString('utf8'), privateKeyPem.toString('utf8'));
  } catch {
    return false;
  }
}

/**
 * Certificate and private key as PEM files, as Greengrass uses them by default.
 *
 * Crash safety. Every write is atomic (see `writeFileAtomic`), so each file is always whole.
 * "A backup exists" means both backup files exist, and `private_key.bak` is the marker:
 * it is written after `certificate.bak` and removed before it. Hence both files exist only
 * when they were written by the same rotation, a matching pair. Power lost at any point:
 *  - rotate, before `private_key.bak` is written: no backup, installed files untouched;
 *  - rotate, after it: a complete backup of the old pair; the installed pair is the old one,
 *    the new certificate with the old key, or the new pair; rolling back restores the old;
 *  - rollback, before `private_key.bak` is removed: the backup is still complete and
 *    rolling back again is harmless; after: the old pair is fully restored;
 *  - deleteBackup: the new pair stays installed whatever happens to the backup.
 * Stale backup files (a removal cut short, or left by the original component, which deletes
 * `certificate.bak` first) are removed before a rotation writes new ones.
 */
export class FileCredentialStore implements CredentialStore {
  readonly #certificatePath: string;
  readonly #privateKeyPath: string;
  readonly #certificateBackup: string;
  readonly #privateKeyBackup: string;
  readonly #logger: Logger;
  readonly #files: DurableFiles;
  #pending: PendingKey | undefined;

  constructor(options: FileCredentialStoreOptions) {
    this.#certificatePath = options.certificatePath;
    this.#privateKeyPath = options.privateKeyPath;
    this.#certificateBackup = path.join(options.workDirectory, CERTIFICATE_BACKUP_FILE);
    this.#privateKeyBackup = path.join(options.workDirectory, PRIVATE_KEY_BACKUP_FILE);
    this.#logger = options.logger;
    this.#files = options.files ?? durableFiles;
  }

  /** Files hold any key the component can generate; only mismatched families are refused. */
  async checkSupported(algorithms: AlgorithmConfig): Promise<void> {
    csrSignatureAlgorithm(algorithms);
  }

  async createCsr(algorithms: AlgorithmConfig): Promise<string> {
    const current = new X509Certificate(await this.#files.read(this.#certificatePath));
    this.#logger.info('Generating a new private key and CSR', {
      ...algorithms,
      currentCertificateId: certificateId(current),
    });
    this.#pending = undefined;
    // The CSR builder and its X.509 library load when the first rotation needs them, not at start-up:
    // they are most of what an idle component would otherwise hold in memory.
    const { createKeyAndCsr, subjectOfCertificate } = await import('../crypto/csr.js');
    const created = await createKeyAndCsr(subjectOfCertificate(current.raw), algorithms);
    this.#pending = { privateKey: created.privateKey, privateKeyPem: created.privateKeyPem, algorithms };
    this.#logger.info('Created the CSR; the new private key is pending in memory', { ...algorithms });
    return created.csrPem;
  }

  async rotate(certificatePem: string): Promise<void> {
    const pending = this.#pending;
    if (!pending) throw new Error('No pending private key: create a CSR before rotating');
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(certificatePem);
    } catch (error) {
      throw new CertificateRefusedError(`The new certificate is not a valid PEM certificate: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const newCertificateId = certificateId(certificate);
    if (!certificate.checkPrivateKey(pending.privateKey)) {
      throw new CertificateRefusedError(`The new certificate ${newCertificateId} does not match the pending private key`);
    }
    const oldCertificate = await this.#files.read(this.#certificatePath);
    const refusal = newCertificateRefusal(certificate, oldCertificate, new Date());
    if (refusal !== undefined) throw new CertificateRefusedError(`The new certificate ${newCertificateId} is refused: ${refusal}`);
    const oldPrivateKey = await this.#files.read(this.#privateKeyPath);

    if (await this.#files.exists(this.#privateKeyBackup)) {
      this.#logger.warn('Replacing a backup left by an earlier rotation');
    }
    await this.#removeBackup();
    this.#logger.info('Backing up the certificate', { path: this.#certificateBackup });
    await this.#files.writeAtomic(this.#certificateBackup, oldCertificate, CERTIFICATE_MODE);
    this.#logger.info('Backing up the private key', { path: this.#privateKeyBackup });
    await this.#files.writeAtomic(this.#privateKeyBackup, oldPrivateKey, KEY_MODE);

    this.#logger.info('Installing the new certificate', { path: this.#certificatePath, certificateId: newCertificateId });
    await this.#files.writeAtomic(this.#certificatePath, certificatePem, CERTIFICATE_MODE);
    this.#logger.info('Installing the new private key', { path: this.#privateKeyPath, keyAlgorithm: pending.algorithms.keyAlgorithm });
    await this.#files.writeAtomic(this.#privateKeyPath, pending.privateKeyPem, KEY_MODE);
    this.#pending = undefined;
    this.#logger.info('Rotated to the new certificate and private key', { certificateId: newCertificateId });
  }

  async rollback(): Promise<void> {
    if (!(await this.backupExists())) throw new Error('No complete backup to roll back to');
    const certificate = await this.#files.read(this.#certificateBackup);
    const privateKey = await this.#files.read(this.#privateKeyBackup);
    if (!pairMatches(certificate, privateKey)) {
      // Only the original component's plain copies can leave such a backup (power lost mid-copy,
      // before it touched the installed files). Restoring it would break a working device.
      if (!(await this.installedCredentialsMatch())) {
        throw new Error('Neither the backup nor the installed certificate and private key are a matching pair');
      }
      this.#logger.error('The backup certificate and private key do not match; keeping the installed pair');
      await this.#removeBackup();
      return;
    }
    this.#logger.info('Restoring the certificate from the backup', { path: this.#certificatePath });
    await this.#files.writeAtomic(this.#certificatePath, certificate, CERTIFICATE_MODE);
    this.#logger.info('Restoring the private key from the backup', { path: this.#privateKeyPath });
    await this.#files.writeAtomic(this.#privateKeyPath, privateKey, KEY_MODE);
    await this.#removeBackup();
    this.#pending = undefined;
    this.#logger.info('Rolled back to the backed-up certificate and private key');
  }

  async backupExists(): Promise<boolean> {
    const [certificate, privateKey] = await Promise.all([
      this.#files.exists(this.#certificateBackup),
      this.#files.exists(this.#privateKeyBackup),
    ]);
    return certificate && privateKey;
  }

  async deleteBackup(): Promise<void> {
    await this.#removeBackup();
    this.#logger.info('Deleted the backup certificate and private key');
  }

  async installedCredentialsMatch(): Promise<boolean> {
    try {
      const certificate = await this.#files.read(this.#certificatePath);
      const privateKey = await this.#files.read(this.#privateKeyPath);
      const matches = certificateMatchesPrivateKey(certificate.toString('utf8'), privateKey.toString('utf8'));
      if (!matches) this.#logger.warn('The installed certificate does not match the installed private key');
      return matches;
    } catch (error) {
      this.#logger.warn('Cannot read the installed certificate and private key', { reason: (error as Error).message });
      return false;
    }
  }

  async keptCertificateId(): Promise<string> {
    const file = (await this.backupExists()) ? this.#certificateBackup : this.#certificatePath;
    return certificateId(new X509Certificate(await this.#files.read(file)));
  }

  /** The marker goes first, so a cut-short removal never leaves something that looks complete. */
  async #removeBackup(): Promise<void> {
    await this.#files.remove(this.#privateKeyBackup);
    await this.#files.remove(this.#certificateBackup);
  }
}
