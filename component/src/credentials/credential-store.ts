import type { AlgorithmConfig } from '../config/algorithms.js';

/**
 * Where the core's certificate and private key live (files or PKCS#11 token).
 * Every operation must leave a matching certificate and key in place if the device
 * loses power at any moment.
 */
export interface CredentialStore {
  /** Refuses, before a rotation starts, algorithms that this store cannot handle. Throws an Error naming the reason. */
  checkSupported(algorithms: AlgorithmConfig): Promise<void>;
  /**
   * Generates a new key pair (held pending, not yet in use) and returns a PEM CSR signed with it,
   * whose subject is copied from the current certificate.
   */
  createCsr(algorithms: AlgorithmConfig): Promise<string>;
  /** Backs up the current certificate and key, then installs `certificatePem` with the pending key. */
  rotate(certificatePem: string): Promise<void>;
  /** Restores the backed-up certificate and key and removes the backup. */
  rollback(): Promise<void>;
  /** True when a complete backup exists: a rotation was in progress when the component last stopped. */
  backupExists(): Promise<boolean>;
  /**
   * True when the installed certificate and private key form a pair (the certificate's public key
   * is the key's). Asked at start-up only when a backup exists: a mismatch means the device lost
   * power while a new certificate and key were being installed, and the rotator rolls back.
   * Resolves false, rather than throwing, when either is missing, unreadable or unparsable.
   */
  installedCredentialsMatch(): Promise<boolean>;
  /** Removes the backup after the new certificate has been committed. */
  deleteBackup(): Promise<void>;
  /**
   * AWS IoT's id (SHA-256 of the DER) of the certificate the core is left with if the rotation
   * fails now: the backup's when a complete backup exists (every failure with a backup rolls back
   * to it), else the installed one. Reported to the backend so that it can retire the other.
   */
  keptCertificateId(): Promise<string>;
}
