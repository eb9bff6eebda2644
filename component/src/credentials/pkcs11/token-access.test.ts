import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createHsmFixture, type HsmFixture } from '../../../test/support/softhsm/hsm-fixture.js';
import { findSoftHsmLibrary } from '../../../../shared/softhsm/find-library.js';
import { createSoftHsmToken } from '../../../test/support/softhsm/softhsm-token.js';
import { tokenCertificateDer } from '../../../test/support/softhsm/token-inspection.js';
import { Pkcs11CredentialStore } from './pkcs11-credential-store.js';
import { parsePkcs11ProviderConfig } from './provider-config.js';
import { MemoryLogger } from '../../../../shared/test/support/memory-logger.js';

const RSA = { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' } as const;

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected a rejection');
}

describe('PKCS#11 token access', () => {
  const fixtures: HsmFixture[] = [];
  afterEach(async () => {
    for (const fixture of fixtures.splice(0)) await fixture.dispose();
  });
  async function fixture(): Promise<HsmFixture> {
    const created = await createHsmFixture();
    fixtures.push(created);
    return created;
  }

  it('never puts the PIN in logs or errors over a whole rotation, a wrong-PIN attempt and a roll-back', async () => {
    const f = await fixture();
    const store = f.newStore();
    await store.checkSupported(RSA);
    const pem = await f.ca.issueForCsr(await store.createCsr(RSA));
    await store.rotate(pem);
    expect(await store.installedCredentialsMatch()).toBe(true);
    await store.rollback();
    await store.deleteBackup();

    const wrongPin = '99887766';
    const logger = new MemoryLogger();
    const wrong = new Pkcs11CredentialStore({
      paths: f.device.paths,
      provider: parsePkcs11ProviderConfig({ library: f.token.provider.library, slot: f.token.provider.slot, userPin: wrongPin }),
      logger,
    });
    const message = await messageOf(wrong.backupExists());
    expect(message).toBe(`PKCS#11 login to slot ${f.token.provider.slot} failed: CKR_PIN_INCORRECT`);
    expect(await wrong.installedCredentialsMatch()).toBe(false);

    const everything = [f.logger.text(), logger.text(), message].join('\n');
    expect(everything).toContain(new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase());
    expect(everything).toContain('CKR_PIN_INCORRECT');
    expect(everything).not.toContain(f.token.userPin);
    expect(everything).not.toContain(wrongPin);
  });

  it('names a slot that holds no token and lists the slots that do', async () => {
    const f = await fixture();
    const provider = parsePkcs11ProviderConfig({ library: f.token.provider.library, slot: 4242, userPin: f.token.userPin });
    const store = new Pkcs11CredentialStore({ paths: f.device.paths, provider, logger: f.logger });
    await expect(store.backupExists()).rejects.toThrow(
      `PKCS#11 slot 4242 has no token in library ${f.token.provider.library} (slots with a token: ${f.token.provider.slot}`,
    );
  });

  it('names a library that cannot be loaded', async () => {
    const provider = parsePkcs11ProviderConfig({ library: '/nonexistent/libpkcs11.so', slot: 0, userPin: '1234' });
    const store = new Pkcs11CredentialStore({
      paths: { certificateFilePath: 'pkcs11:object=a', privateKeyPath: 'pkcs11:object=a' },
      provider,
      logger: new MemoryLogger(),
    });
    await expect(store.backupExists()).rejects.toThrow(/^Cannot load the PKCS#11 library \/nonexistent\/libpkcs11.so/);
  });

  it('refuses malformed URIs when the store is constructed', async () => {
    const provider = parsePkcs11ProviderConfig({ library: '/x.so', slot: 0, userPin: '1234' });
    expect(
      () =>
        new Pkcs11CredentialStore({
          paths: { certificateFilePath: 'pkcs11:object=a;type=cert', privateKeyPath: 'pkcs11:label=a' },
          provider,
          logger: new MemoryLogger(),
        }),
    ).toThrow('privateKeyPath "pkcs11:label=a" is not a valid PKCS#11 URI: unknown path attribute "label"');
  });

  it('serves two tokens in one process, one after the other, each from its own configuration', async () => {
    const a = await fixture();
    const b = await fixture();
    expect(a.token.provider.slot).not.toBe(b.token.provider.slot);
    const pemB = await b.ca.issueForCsr(await b.newStore().createCsr(RSA));
    await b.newStore().rotate(pemB);
    expect(await a.newStore().backupExists()).toBe(false);
    expect(tokenCertificateDer(a.token, 'greengrass-core')).toEqual(a.device.certificateDer);
    expect(await b.newStore().backupExists()).toBe(true);
    expect(tokenCertificateDer(b.token, 'greengrass-core')).toEqual(new X509Certificate(pemB).raw);
  });
});

describe('SoftHSM2 test support', () => {
  it('fails, saying how to install SoftHSM2, when the library is missing', () => {
    expect(() => findSoftHsmLibrary({ SOFTHSM2_LIB: '/nonexistent/libsofthsm2.so' })).toThrow(
      /Install SoftHSM2: apt-get install softhsm2 \(Debian, Ubuntu\), dnf install softhsm/,
    );
  });

  it('fails, saying how to install SoftHSM2, when softhsm2-util is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(createSoftHsmToken()).rejects.toThrow(/softhsm2-util not found on PATH\. Install SoftHSM2: apt-get install softhsm2/);
    } finally {
      process.env.PATH = path;
    }
  });
});
