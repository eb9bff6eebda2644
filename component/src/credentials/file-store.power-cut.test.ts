import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PowerCut,
  createLayout,
  filesWithPowerCut,
  issuePair,
  recover,
  signCsr,
  type Layout,
} from '../../test/support/file-store-fixtures.js';
import { certificateMatchesPrivateKey } from '../crypto/key-match.js';
import { FileCredentialStore } from './file-store.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';

const EC = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } as const;
const ROTATE_STEPS = [
  'remove private_key.bak',
  'remove certificate.bak',
  'write certificate.bak',
  'write private_key.bak',
  'write thingCert.crt',
  'write privKey.key',
];
const ROLLBACK_STEPS = ['write thingCert.crt', 'write privKey.key', 'remove private_key.bak', 'remove certificate.bak'];
const DELETE_STEPS = ['remove private_key.bak', 'remove certificate.bak'];

const layouts: Layout[] = [];
afterEach(() => {
  for (const layout of layouts.splice(0)) rmSync(layout.root, { recursive: true, force: true });
});

type Files = { certificate: Buffer; key: Buffer };
/** The invariant the recovery relies on: whatever looks like a complete backup is a matching pair. */
async function expectBackupIsWholeIfPresent(layout: Layout): Promise<void> {
  if (await new FileCredentialStore({ ...layout, logger: new MemoryLogger() }).backupExists()) {
    const certificate = readFileSync(layout.certificateBackup, 'utf8');
    expect(certificateMatchesPrivateKey(certificate, readFileSync(layout.privateKeyBackup, 'utf8'))).toBe(true);
  }
}

const installed = (layout: Layout): Files => ({
  certificate: readFileSync(layout.certificatePath),
  key: readFileSync(layout.privateKeyPath),
});

/** Stale backup files that earlier, interrupted runs (ours or the original's) may have left. */
const STALE = {
  none: (_layout: Layout) => undefined,
  'a lone private_key.bak of another key': (layout: Layout) => writeFileSync(layout.privateKeyBackup, issuePair(layout, 'stale').key),
  'a lone certificate.bak of another key': (layout: Layout) =>
    writeFileSync(layout.certificateBackup, issuePair(layout, 'stale').certificate),
} as const;

/** Installs the old pair, creates a CSR, has it signed: ready to rotate. */
async function prepared(stale: (layout: Layout) => void, cutAt: number) {
  const layout = createLayout();
  layouts.push(layout);
  stale(layout);
  const old = installed(layout);
  const power = filesWithPowerCut(cutAt);
  const store = new FileCredentialStore({ ...layout, logger: new MemoryLogger(), files: power.files });
  const certificate = signCsr(layout, await store.createCsr(EC), 'new');
  return { layout, old, power, store, certificate };
}

async function rotated() {
  const { layout, old, certificate, store } = await prepared(STALE.none, Number.POSITIVE_INFINITY);
  await store.rotate(certificate);
  return { layout, old, fresh: installed(layout) };
}

describe('power cut during rotate', () => {
  it('takes the steps the crash analysis assumes', async () => {
    const { power, store, certificate } = await prepared(STALE.none, Number.POSITIVE_INFINITY);
    await store.rotate(certificate);
    expect(power.steps).toEqual(ROTATE_STEPS);
  });

  describe.each(Object.entries(STALE))('with %s', (_name, stale) => {
    it.each(ROTATE_STEPS.map((step, index) => [step, index] as const))(
      'before "%s" the old pair is restored on recovery',
      async (step, cutAt) => {
        const { layout, old, store, certificate } = await prepared(stale, cutAt);
        await expect(store.rotate(certificate)).rejects.toThrow(new PowerCut(step));
        await expectBackupIsWholeIfPresent(layout);
        const recovered = await recover(layout);
        expect(installed(layout)).toEqual(old);
        expect(await recovered.installedCredentialsMatch()).toBe(true);
        expect(await recovered.backupExists()).toBe(false);
      },
    );
  });

  it('leaves only whole files behind, and a truncated temporary file does not confuse recovery', async () => {
    const { layout, store, certificate } = await prepared(STALE.none, ROTATE_STEPS.indexOf('write privKey.key'));
    await expect(store.rotate(certificate)).rejects.toBeInstanceOf(PowerCut);
    expect(readdirSync(layout.root)).toContain('.privKey.key.cut.tmp');
    expect(readFileSync(layout.certificatePath, 'utf8')).toBe(certificate);
    await recover(layout);
    expect(await new FileCredentialStore({ ...layout, logger: new MemoryLogger() }).installedCredentialsMatch()).toBe(true);
  });
});

describe('power cut during rollback', () => {
  it.each(ROLLBACK_STEPS.map((step, index) => [step, index] as const))(
    'before "%s" recovery finishes the rollback',
    async (step, cutAt) => {
      const { layout, old } = await rotated();
      const power = filesWithPowerCut(cutAt);
      const store = new FileCredentialStore({ ...layout, logger: new MemoryLogger(), files: power.files });
      await expect(store.rollback()).rejects.toThrow(new PowerCut(step));
      await expectBackupIsWholeIfPresent(layout);
      const recovered = await recover(layout);
      expect(installed(layout)).toEqual(old);
      expect(await recovered.backupExists()).toBe(false);
    },
  );

  // Every pair of cut points rotates afresh, which takes minutes on a busy machine.
  it('survives a second cut during recovery', { timeout: 600_000 }, async () => {
    for (let first = 0; first < ROLLBACK_STEPS.length; first += 1) {
      for (let second = 0; second < ROLLBACK_STEPS.length; second += 1) {
        const { layout, old } = await rotated();
        const cut = (at: number) => new FileCredentialStore({ ...layout, logger: new MemoryLogger(), files: filesWithPowerCut(at).files });
        await expect(cut(first).rollback()).rejects.toBeInstanceOf(PowerCut);
        const again = cut(second);
        if (await again.backupExists()) await expect(again.rollback()).rejects.toBeInstanceOf(PowerCut);
        await recover(layout);
        expect(installed(layout), `cuts at ${first} then ${second}`).toEqual(old);
      }
    }
  });
});

describe('power cut during deleteBackup', () => {
  it.each(DELETE_STEPS.map((step, index) => [step, index] as const))('before "%s" the new pair stays installed', async (step, cutAt) => {
    const { layout, old, fresh } = await rotated();
    const store = new FileCredentialStore({ ...layout, logger: new MemoryLogger(), files: filesWithPowerCut(cutAt).files });
    await expect(store.deleteBackup()).rejects.toThrow(new PowerCut(step));
    expect(installed(layout)).toEqual(fresh);
    const after = new FileCredentialStore({ ...layout, logger: new MemoryLogger() });
    expect(await after.installedCredentialsMatch()).toBe(true);
    // Either the backup is still the complete old pair, or it no longer counts as one.
    if (await after.backupExists()) {
      expect(readFileSync(layout.certificateBackup)).toEqual(old.certificate);
      expect(readFileSync(layout.privateKeyBackup)).toEqual(old.key);
    }
  });

  it('a later rotation replaces what a cut-short deletion left', async () => {
    const { layout, fresh } = await rotated();
    const cutShort = new FileCredentialStore({ ...layout, logger: new MemoryLogger(), files: filesWithPowerCut(1).files });
    await expect(cutShort.deleteBackup()).rejects.toBeInstanceOf(PowerCut);
    // The next rotation is cut right after it wrote certificate.bak: no backup may look complete.
    const power = filesWithPowerCut(ROTATE_STEPS.indexOf('write private_key.bak'));
    const store = new FileCredentialStore({ ...layout, logger: new MemoryLogger(), files: power.files });
    const certificate = signCsr(layout, await store.createCsr(EC), 'third');
    await expect(store.rotate(certificate)).rejects.toBeInstanceOf(PowerCut);
    expect(await store.backupExists()).toBe(false);
    expect(installed(layout)).toEqual(fresh);
  });
});
