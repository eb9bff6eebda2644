import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MISMATCHED_ALGORITHM_PAIRS, VALID_ALGORITHM_PAIRS } from '../config/validate.js';
import { createLayout, issuePair, openssl, signCsr, snapshot, type Layout } from '../../test/support/file-store-fixtures.js';
import { FileCredentialStore } from './file-store.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';

const EC = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } as const;
const layouts: Layout[] = [];

function setup() {
  const layout = createLayout();
  layouts.push(layout);
  const logger = new MemoryLogger();
  const store = new FileCredentialStore({ ...layout, logger });
  const old = { certificate: readFileSync(layout.certificatePath), key: readFileSync(layout.privateKeyPath) };
  return { layout, logger, store, old };
}

const mode = (file: string) => statSync(file).mode & 0o777;

afterEach(() => {
  for (const layout of layouts.splice(0)) rmSync(layout.root, { recursive: true, force: true });
});

describe('FileCredentialStore', () => {
  it('keeps the backup certificate while a backup exists, the installed one otherwise', async () => {
    const { layout, store, old } = setup();
    const idOf = (pem: Buffer | string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
    expect(await store.keptCertificateId()).toBe(idOf(old.certificate));
    const newCertificate = signCsr(layout, await store.createCsr(EC), 'new');
    await store.rotate(newCertificate);
    expect(await store.keptCertificateId()).toBe(idOf(old.certificate));
    await store.deleteBackup();
    expect(await store.keptCertificateId()).toBe(idOf(newCertificate));
  });

  it('creates a CSR with the current subject, rotates, and deletes the backup', async () => {
    const { layout, logger, store, old } = setup();
    const csrPem = await store.createCsr({ keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA384WITHRSAANDMGF1' });
    const csrFile = path.join(layout.scratch, 'device.csr');
    writeFileSync(csrFile, csrPem);
    expect(openssl(['req', '-in', csrFile, '-noout', '-subject'])).toBe(
      openssl(['x509', '-in', layout.certificatePath, '-noout', '-subject']),
    );
    expect(await store.backupExists()).toBe(false);
    // Creating a CSR changes nothing on disk.
    expect(readFileSync(layout.certificatePath)).toEqual(old.certificate);

    const newCertificate = signCsr(layout, csrPem, 'new');
    await store.rotate(newCertificate);
    expect(readFileSync(layout.certificatePath, 'utf8')).toBe(newCertificate);
    expect(readFileSync(layout.privateKeyPath, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(openssl(['x509', '-in', layout.certificatePath, '-noout', '-pubkey'])).toBe(
      openssl(['pkey', '-in', layout.privateKeyPath, '-pubout']),
    );
    expect(await store.installedCredentialsMatch()).toBe(true);
    expect(await store.backupExists()).toBe(true);
    expect(readFileSync(layout.certificateBackup)).toEqual(old.certificate);
    expect(readFileSync(layout.privateKeyBackup)).toEqual(old.key);

    await store.deleteBackup();
    expect(await store.backupExists()).toBe(false);
    expect(existsSync(layout.certificateBackup) || existsSync(layout.privateKeyBackup)).toBe(false);
    expect(readFileSync(layout.certificatePath, 'utf8')).toBe(newCertificate);

    const logText = logger.text();
    expect(logText).toContain('Installing the new private key');
    expect(logText).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  });

  it('writes an EC key as PKCS#8', async () => {
    const { layout, store } = setup();
    await store.rotate(signCsr(layout, await store.createCsr({ keyAlgorithm: 'ECDSA-P384', signingAlgorithm: 'ECDSA-WITH-SHA512' }), 'n'));
    expect(readFileSync(layout.privateKeyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(openssl(['pkey', '-in', layout.privateKeyPath, '-noout', '-text'])).toContain('NIST CURVE: P-384');
  });

  it.each([0o022, 0o000, 0o077])('keeps keys 0600 and certificates 0644 under umask %o', async (umask) => {
    const { layout, store } = setup();
    const previous = process.umask(umask);
    try {
      await store.rotate(signCsr(layout, await store.createCsr(EC), 'n'));
    } finally {
      process.umask(previous);
    }
    expect(mode(layout.privateKeyPath)).toBe(0o600);
    expect(mode(layout.privateKeyBackup)).toBe(0o600);
    expect(mode(layout.certificatePath)).toBe(0o644);
    expect(mode(layout.certificateBackup)).toBe(0o644);
  });

  it('rolls back to byte-identical files and removes the backup', async () => {
    const { layout, store, old } = setup();
    await store.rotate(signCsr(layout, await store.createCsr(EC), 'n'));
    await store.rollback();
    expect(readFileSync(layout.certificatePath)).toEqual(old.certificate);
    expect(readFileSync(layout.privateKeyPath)).toEqual(old.key);
    expect(mode(layout.privateKeyPath)).toBe(0o600);
    expect(await store.backupExists()).toBe(false);
    expect(existsSync(layout.certificateBackup) || existsSync(layout.privateKeyBackup)).toBe(false);
    await expect(store.rollback()).rejects.toThrow('No complete backup to roll back to');
  });

  it('refuses to rotate without a pending key, changing nothing', async () => {
    const { layout, store } = setup();
    const before = snapshot(layout);
    await expect(store.rotate(issuePair(layout, 'other').certificate)).rejects.toThrow(
      'No pending private key: create a CSR before rotating',
    );
    expect(snapshot(layout)).toEqual(before);
  });

  it('refuses a certificate that does not match the pending key, changing nothing', async () => {
    const { layout, store } = setup();
    await store.createCsr(EC);
    const other = issuePair(layout, 'other');
    const before = snapshot(layout);
    await expect(store.rotate(other.certificate)).rejects.toThrow(
      /^The new certificate [0-9a-f]{64} does not match the pending private key$/,
    );
    await expect(store.rotate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).rejects.toThrow(
      /^The new certificate is not a valid PEM certificate/,
    );
    await expect(store.rotate('')).rejects.toThrow(/not a valid PEM certificate/);
    expect(snapshot(layout)).toEqual(before);
  });

  it('uses the pending key once', async () => {
    const { layout, store } = setup();
    const certificate = signCsr(layout, await store.createCsr(EC), 'n');
    await store.rotate(certificate);
    await expect(store.rotate(certificate)).rejects.toThrow('No pending private key');
  });

  it('fails createCsr when the current certificate cannot be read', async () => {
    const { layout, store } = setup();
    writeFileSync(layout.certificatePath, 'not a certificate');
    await expect(store.createCsr(EC)).rejects.toThrow();
    rmSync(layout.certificatePath);
    await expect(store.createCsr(EC)).rejects.toThrow(/ENOENT/);
  });

  it('needs both backup files for a backup to exist', async () => {
    const { layout, store, old } = setup();
    writeFileSync(layout.certificateBackup, old.certificate);
    expect(await store.backupExists()).toBe(false);
    rmSync(layout.certificateBackup);
    writeFileSync(layout.privateKeyBackup, old.key);
    expect(await store.backupExists()).toBe(false);
    writeFileSync(layout.certificateBackup, old.certificate);
    expect(await store.backupExists()).toBe(true);
  });

  it('rolls back a backup left by the original component', async () => {
    // The original copies the installed files to certificate.bak and private_key.bak, then
    // overwrites the installed ones in place.
    const { layout, store, old } = setup();
    writeFileSync(layout.certificateBackup, old.certificate);
    writeFileSync(layout.privateKeyBackup, old.key);
    const other = issuePair(layout, 'other');
    writeFileSync(layout.certificatePath, other.certificate);
    expect(await store.installedCredentialsMatch()).toBe(false);
    await store.rollback();
    expect(readFileSync(layout.certificatePath)).toEqual(old.certificate);
    expect(readFileSync(layout.privateKeyPath)).toEqual(old.key);
    expect(await store.installedCredentialsMatch()).toBe(true);
  });

  it('keeps a working installed pair rather than restore a torn backup', async () => {
    const { layout, logger, store, old } = setup();
    writeFileSync(layout.certificateBackup, old.certificate);
    writeFileSync(layout.privateKeyBackup, old.key.subarray(0, old.key.length >> 1));
    const before = { certificate: readFileSync(layout.certificatePath), key: readFileSync(layout.privateKeyPath) };
    await store.rollback();
    expect(readFileSync(layout.certificatePath)).toEqual(before.certificate);
    expect(readFileSync(layout.privateKeyPath)).toEqual(before.key);
    expect(await store.backupExists()).toBe(false);
    expect(logger.text()).toContain('do not match; keeping the installed pair');
  });

  it('refuses to roll back when neither the backup nor the installed pair match', async () => {
    const { layout, store, old } = setup();
    const other = issuePair(layout, 'other');
    writeFileSync(layout.certificateBackup, old.certificate);
    writeFileSync(layout.privateKeyBackup, other.key);
    writeFileSync(layout.certificatePath, other.certificate.replace(/[A-Za-z]{8}\n/, 'AAAAAAAA\n'));
    const before = snapshot(layout);
    await expect(store.rollback()).rejects.toThrow('Neither the backup nor the installed certificate and private key are a matching pair');
    expect(snapshot(layout)).toEqual(before);
  });

  it('tells whether the installed certificate and key match', async () => {
    const { layout, store } = setup();
    expect(await store.installedCredentialsMatch()).toBe(true);
    writeFileSync(layout.privateKeyPath, issuePair(layout, 'other').key);
    expect(await store.installedCredentialsMatch()).toBe(false);
    rmSync(layout.privateKeyPath);
    expect(await store.installedCredentialsMatch()).toBe(false);
  });

  it('supports every valid algorithm pair and refuses mismatched ones', async () => {
    const { store } = setup();
    for (const pair of VALID_ALGORITHM_PAIRS) await expect(store.checkSupported(pair)).resolves.toBeUndefined();
    for (const pair of MISMATCHED_ALGORITHM_PAIRS) {
      await expect(store.checkSupported(pair)).rejects.toThrow(
        `Signing algorithm ${pair.signingAlgorithm} does not suit key algorithm ${pair.keyAlgorithm}`,
      );
    }
  });
});
