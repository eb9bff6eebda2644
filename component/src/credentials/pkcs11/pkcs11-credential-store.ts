import type { AlgorithmConfig } from '../../config/algorithms.js';
import { certificateSubjectDer } from '../../crypto/der.js';
import type { Logger } from '../../../../shared/logging/logger.js';
import { X509Certificate } from 'node:crypto';
import { CertificateRefusedError, newCertificateRefusal } from '../certificate-refusal.js';
import type { CredentialStore } from '../credential-store.js';
import { certificatePemToDer } from './certificate-object.js';
import { hsmLabelFromPaths, type HsmCredentialPaths } from './hsm-paths.js';
import { privateKeyMatchesCertificate } from './key-match.js';
import { generateKeyPairInToken } from './keygen.js';
import type { Pkcs11ProviderConfig } from './provider-config.js';
import { spkiOfObject } from './public-key.js';
import { withTokenSession, type TokenSession } from './session.js';
import { deleteBackupSteps, deletePendingSteps, rollbackSteps, rotationSteps, runSteps, type TokenStep } from './token-steps.js';
import {
  certificateDer,
  certificateIdOf,
  derivedId,
  findObject,
  findObjects,
  ID_SUFFIX,
  objectId,
  objectLabels,
  requireObject,
  type ObjectLabels,
} from './token-objects.js';
import { signInToken } from './token-signer.js';
import { checkAlgorithmsForHsm, checkTokenMechanisms, checkTokenObjectOperations } from './token-support.js';

/** What the token holds under the installed label. */
type InstalledPair = 'matching' | 'noCertificate' | 'noPrivateKey' | 'mismatched';

/** Why an installed pair is unusable, as the end of "The installed certificate and key ...". */
const PAIR_PROBLEMS: Record<Exclude<InstalledPair, 'matching'>, string> = {
  noCertificate: 'lack a certificate',
  noPrivateKey: 'lack a private key',
  mismatched: 'do not match',
};

export interface Pkcs11CredentialStoreOptions {
  /** Greengrass `system.certificateFilePath` and `system.privateKeyPath` (PKCS#11 URIs). */
  paths: HsmCredentialPaths;
  /** The parsed configuration of `aws.greengrass.crypto.Pkcs11Provider` (see `parsePkcs11ProviderConfig`). */
  provider: Pkcs11ProviderConfig;
  logger: Logger;
  /**
   * Called before every change to the token (each step of a sequence, the key pair generation);
   * throwing there stops the store before that change, as a power cut would. For tests.
   */
  beforeChange?: (change: string) => void;
}

/**
 * Credentials in a PKCS#11 token: the private key is generated inside the token and never leaves it.
 * Objects, labels and ids follow the original component (section 6.2), so a token can be handed
 * between it and this one. Each method opens its own session (see `withTokenSession`).
 */
export class Pkcs11CredentialStore implements CredentialStore {
  readonly labels: ObjectLabels;
  private readonly provider: Pkcs11ProviderConfig;
  private readonly logger: Logger;
  private readonly beforeChange: (change: string) => void;

  constructor(options: Pkcs11CredentialStoreOptions) {
    this.labels = objectLabels(hsmLabelFromPaths(options.paths));
    this.provider = options.provider;
    this.logger = options.logger;
    this.beforeChange = options.beforeChange ?? (() => undefined);
  }

  private session<T>(access: 'read-only' | 'read-write', work: (token: TokenSession) => T): T {
    return withTokenSession(this.provider, access, work);
  }

  private run(token: TokenSession, steps: readonly TokenStep[]): void {
    runSteps(token.session, steps, (step) => {
      this.beforeChange(step.name);
      this.logger.debug('PKCS#11 token change', { step: step.name });
    });
  }

  async checkSupported(algorithms: AlgorithmConfig): Promise<void> {
    checkAlgorithmsForHsm(algorithms);
    this.session('read-write', (token) => {
      checkTokenMechanisms(token, algorithms);
      checkTokenObjectOperations(token, this.labels);
    });
  }

  async createCsr(algorithms: AlgorithmConfig): Promise<string> {
    checkAlgorithmsForHsm(algorithms);
    const { subject, spki } = this.session('read-write', (token) => {
      this.run(token, deletePendingSteps(this.labels));
      const { session } = token;
      const certificate = certificateDer(requireObject(session, 'certificate', this.labels.current));
      const pendingId = derivedId(objectId(requireObject(session, 'private key', this.labels.current)), ID_SUFFIX.pending);
      this.logger.info('Generating the pending key pair in the token', {
        label: this.labels.pending,
        id: pendingId.toString('hex'),
        keyAlgorithm: algorithms.keyAlgorithm,
      });
      this.beforeChange(`generate key pair "${this.labels.pending}"`);
      const pair = generateKeyPairInToken(session, algorithms.keyAlgorithm, this.labels.pending, pendingId);
      const publicKeySpki = spkiOfObject(pair.publicKey);
      // Only the private key is needed from now on; the CSR carries the public key.
      this.beforeChange(`destroy public key "${this.labels.pending}"`);
      pair.publicKey.destroy();
      return { subject: certificateSubjectDer(certificate), spki: publicKeySpki };
    });
    // Loaded on first use, not at start-up (see FileCredentialStore.createCsr).
    const { buildCsr } = await import('../../crypto/csr.js');
    // Plain Uint8Array copies: a Node Buffer may be a view into a shared pool, and the CSR builder
    // takes `.buffer` of what it is given.
    return buildCsr({
      subject: new Uint8Array(subject),
      publicKeySpki: new Uint8Array(spki),
      algorithms,
      // A session of its own: token work never spans an await (see withTokenSession).
      sign: async (tbs) =>
        new Uint8Array(
          this.session('read-only', ({ session }) =>
            signInToken(session, requireObject(session, 'private key', this.labels.pending), algorithms.signingAlgorithm, Buffer.from(tbs)),
          ),
        ),
    });
  }

  async rotate(certificatePem: string): Promise<void> {
    let der: Buffer;
    let offered: X509Certificate;
    try {
      der = Buffer.from(certificatePemToDer(certificatePem));
      offered = new X509Certificate(der);
    } catch (error) {
      throw new CertificateRefusedError(`The new certificate is not a valid PEM certificate: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.session('read-write', (token) => {
      const { session } = token;
      const pendingKey = requireObject(session, 'private key', this.labels.pending);
      if (!privateKeyMatchesCertificate(session, pendingKey, der)) {
        throw new CertificateRefusedError(
          `The new certificate ${certificateIdOf(der)} is not for the pending key "${this.labels.pending}"`,
        );
      }
      const current = findObject(session, 'certificate', this.labels.current);
      const refusal = current ? newCertificateRefusal(offered, Buffer.from(certificateDer(current)), new Date()) : undefined;
      if (refusal !== undefined) throw new CertificateRefusedError(`The new certificate ${certificateIdOf(der)} is refused: ${refusal}`);
      const installed = this.installedPair(token);
      if (installed !== 'matching') {
        // Rotating now would back up a broken pair (and delete any backup of the working one).
        throw new Error(
          `The installed certificate and key labelled "${this.labels.current}" ${PAIR_PROBLEMS[installed]}; roll back before rotating`,
        );
      }
      this.logger.info('Installing the new certificate and key in the token', {
        label: this.labels.current,
        certificateId: certificateIdOf(der),
      });
      this.run(token, rotationSteps(this.labels, der));
      if (this.installedPair(token) !== 'matching') {
        throw new Error(`After rotation the certificate and key labelled "${this.labels.current}" do not match`);
      }
    });
  }

  async rollback(): Promise<void> {
    this.session('read-write', (token) => {
      if (!this.completeBackup(token)) {
        throw new Error(`No complete backup ("${this.labels.backup}" certificate and private key) to roll back to`);
      }
      this.run(token, rollbackSteps(this.labels));
      const certificate = findObject(token.session, 'certificate', this.labels.current);
      this.logger.info('Rolled back to the backed-up certificate and key', {
        label: this.labels.current,
        ...(certificate ? { certificateId: certificateIdOf(certificateDer(certificate)) } : {}),
      });
    });
  }

  async backupExists(): Promise<boolean> {
    return this.session('read-only', (token) => this.completeBackup(token));
  }

  async installedCredentialsMatch(): Promise<boolean> {
    try {
      return this.session('read-only', (token) => this.installedPair(token) === 'matching');
    } catch (error) {
      this.logger.warn('Could not compare the installed certificate and key', {
        label: this.labels.current,
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }

  async deleteBackup(): Promise<void> {
    this.session('read-write', (token) => this.run(token, deleteBackupSteps(this.labels)));
  }

  async keptCertificateId(): Promise<string> {
    return this.session('read-only', (token) => {
      const label = this.completeBackup(token) ? this.labels.backup : this.labels.current;
      return certificateIdOf(certificateDer(requireObject(token.session, 'certificate', label)));
    });
  }

  private completeBackup({ session }: TokenSession): boolean {
    return (
      findObjects(session, 'certificate', this.labels.backup).length > 0 &&
      findObjects(session, 'private key', this.labels.backup).length > 0
    );
  }

  private installedPair({ session }: TokenSession): InstalledPair {
    const certificate = findObject(session, 'certificate', this.labels.current);
    const key = findObject(session, 'private key', this.labels.current);
    if (certificate === undefined) return 'noCertificate';
    if (key === undefined) return 'noPrivateKey';
    return privateKeyMatchesCertificate(session, key, certificateDer(certificate)) ? 'matching' : 'mismatched';
  }
}
