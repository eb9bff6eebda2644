import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../../../shared/logging/logger.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';
import { durableFiles, type DurableFiles } from '../../src/credentials/atomic-write.js';
import { CERTIFICATE_BACKUP_FILE, FileCredentialStore, PRIVATE_KEY_BACKUP_FILE } from '../../src/credentials/file-store.js';
import { COMPONENT_NAME } from '../../../shared/contract/index.js';

/** Test helpers for the file store: a Greengrass-like layout in a temp dir and a CA run by openssl. */

export function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface Layout {
  root: string;
  /** Where the CA and issued material live, apart from the device's files. */
  scratch: string;
  certificatePath: string;
  privateKeyPath: string;
  workDirectory: string;
  certificateBackup: string;
  privateKeyBackup: string;
  ca: { certificate: string; key: string };
}

/** A Greengrass root with a CA-issued certificate and key installed, and the component's work dir. */
export function createLayout(): Layout {
  const root = mkdtempSync(path.join(tmpdir(), 'file-store-'));
  const workDirectory = path.join(root, 'work', COMPONENT_NAME);
  mkdirSync(workDirectory, { recursive: true });
  const scratch = path.join(root, 'scratch');
  mkdirSync(scratch);
  const ca = { certificate: path.join(scratch, 'ca.pem'), key: path.join(scratch, 'ca.key') };
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=Test CA',
    '-keyout',
    ca.key,
    '-out',
    ca.certificate,
  ]);
  const layout: Layout = {
    root,
    scratch,
    certificatePath: path.join(root, 'thingCert.crt'),
    privateKeyPath: path.join(root, 'privKey.key'),
    workDirectory,
    certificateBackup: path.join(workDirectory, CERTIFICATE_BACKUP_FILE),
    privateKeyBackup: path.join(workDirectory, PRIVATE_KEY_BACKUP_FILE),
    ca,
  };
  const pair = issuePair(layout, 'installed');
  writeFileSync(layout.certificatePath, pair.certificate);
  writeFileSync(layout.privateKeyPath, pair.key, { mode: 0o600 });
  return layout;
}

/** A fresh key and a CA-issued certificate for it, as PEM text. */
export function issuePair(layout: Layout, name: string): { certificate: string; key: string } {
  const key = path.join(layout.scratch, `${name}.key`);
  const csr = path.join(layout.scratch, `${name}.csr`);
  openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/O=Example/CN=core-0001',
    '-keyout',
    key,
    '-out',
    csr,
  ]);
  return { certificate: signCsr(layout, readFileSync(csr, 'utf8'), name), key: readFileSync(key, 'utf8') };
}

/** What the backend does with the device's CSR: the CA issues a certificate for it. */
export function signCsr(layout: Layout, csrPem: string, name: string): string {
  const csr = path.join(layout.scratch, `${name}.sign.csr`);
  const out = path.join(layout.scratch, `${name}.sign.pem`);
  writeFileSync(csr, csrPem);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    layout.ca.certificate,
    '-CAkey',
    layout.ca.key,
    '-set_serial',
    String(Date.now()),
    '-days',
    '1',
    '-out',
    out,
  ]);
  return readFileSync(out, 'utf8');
}

/** Every regular file under the layout's credential locations, with its bytes, to detect any change. */
export function snapshot(layout: Layout): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of [layout.root, layout.workDirectory]) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile()) out[path.join(dir, entry.name)] = readFileSync(path.join(dir, entry.name), 'base64');
    }
  }
  return out;
}

export class PowerCut extends Error {
  constructor(readonly step: string) {
    super(`power cut before ${step}`);
  }
}

/**
 * Real durable files that lose power before the `cutAt`-th change (write or removal).
 * A cut write leaves a truncated temporary file behind, as a real cut mid-write would.
 */
export function filesWithPowerCut(cutAt: number): { files: DurableFiles; steps: string[] } {
  const steps: string[] = [];
  const change = async (step: string, filePath: string, partial: string | Uint8Array | undefined, act: () => Promise<void>) => {
    steps.push(step);
    if (steps.length - 1 === cutAt) {
      if (partial !== undefined) {
        const bytes = Buffer.from(partial);
        writeFileSync(path.join(path.dirname(filePath), `.${path.basename(filePath)}.cut.tmp`), bytes.subarray(0, bytes.length >> 1));
      }
      throw new PowerCut(step);
    }
    await act();
  };
  return {
    steps,
    files: {
      read: durableFiles.read,
      exists: durableFiles.exists,
      writeAtomic: (filePath, data, mode) =>
        change(`write ${path.basename(filePath)}`, filePath, data, () => durableFiles.writeAtomic(filePath, data, mode)),
      remove: (filePath) => change(`remove ${path.basename(filePath)}`, filePath, undefined, () => durableFiles.remove(filePath)),
    },
  };
}

/** What the component does after a restart with a backup present: roll back. */
export async function recover(layout: Layout, logger: Logger = new MemoryLogger()): Promise<FileCredentialStore> {
  const store = new FileCredentialStore({ ...layout, logger });
  if (await store.backupExists()) await store.rollback();
  return store;
}
