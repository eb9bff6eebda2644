import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlgorithmConfig, KeyAlgorithm } from '../../config/algorithms.js';
import { createHsmFixture, type HsmFixture } from '../../../test/support/softhsm/hsm-fixture.js';
import {
  listTokenObjects,
  privateKeyProtection,
  tokenCertificateDer,
  tokenKeySignsFor,
} from '../../../test/support/softhsm/token-inspection.js';

const LABEL = 'greengrass-core';

const CASES: { device: KeyAlgorithm; next: AlgorithmConfig }[] = [
  { device: 'RSA-2048', next: { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' } },
  { device: 'ECDSA-P256', next: { keyAlgorithm: 'ECDSA-P384', signingAlgorithm: 'ECDSA-WITH-SHA384' } },
  { device: 'RSA-2048', next: { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } },
];

async function issueNewCertificate(fixture: HsmFixture, algorithms: AlgorithmConfig): Promise<string> {
  const csr = await fixture.newStore().createCsr(algorithms);
  return fixture.ca.issueForCsr(csr);
}

describe('Pkcs11CredentialStore rotate / rollback / deleteBackup on a SoftHSM2 token', () => {
  let fixture: HsmFixture | undefined;
  afterEach(async () => {
    await fixture?.dispose();
    fixture = undefined;
  });

  describe.each(CASES)('device $device, new $next.keyAlgorithm', ({ device, next }) => {
    it('rotate installs the new certificate with the pending key under the old label and id, keeping a backup', async () => {
      fixture = await createHsmFixture({ device: { keyAlgorithm: device } });
      const newPem = await issueNewCertificate(fixture, next);
      const store = fixture.newStore();
      expect(await store.backupExists()).toBe(false);

      await store.rotate(newPem);

      expect(listTokenObjects(fixture.token)).toEqual([
        { kind: 'certificate', label: LABEL, id: 'dead' },
        { kind: 'private key', label: LABEL, id: 'dead' },
        { kind: 'certificate', label: `${LABEL}.bak`, id: 'dead02' },
        { kind: 'private key', label: `${LABEL}.bak`, id: 'dead02' },
      ]);
      const newCertificate = new X509Certificate(newPem);
      expect(tokenCertificateDer(fixture.token, LABEL)).toEqual(newCertificate.raw);
      expect(tokenKeySignsFor(fixture.token, LABEL, newCertificate.publicKey)).toBe(true);
      expect(tokenKeySignsFor(fixture.token, `${LABEL}.bak`, fixture.device.publicKey)).toBe(true);
      expect(privateKeyProtection(fixture.token, LABEL)).toMatchObject({
        sensitive: true,
        extractable: false,
        neverExtractable: true,
        secretReadable: false,
      });
      const restarted = fixture.newStore();
      expect(await restarted.backupExists()).toBe(true);
      expect(await restarted.installedCredentialsMatch()).toBe(true);
    });

    it('rollback restores the original certificate and key (label, id, signing) and removes the backup', async () => {
      fixture = await createHsmFixture({ device: { keyAlgorithm: device } });
      const before = listTokenObjects(fixture.token);
      await fixture.newStore().rotate(await issueNewCertificate(fixture, next));

      const store = fixture.newStore();
      await store.rollback();

      expect(listTokenObjects(fixture.token)).toEqual(before);
      expect(tokenCertificateDer(fixture.token, LABEL)).toEqual(fixture.device.certificateDer);
      expect(tokenKeySignsFor(fixture.token, LABEL, fixture.device.publicKey)).toBe(true);
      expect(await store.backupExists()).toBe(false);
      expect(await store.installedCredentialsMatch()).toBe(true);
    });

    it('keeps the backup certificate while a backup exists, the installed one otherwise', async () => {
      fixture = await createHsmFixture({ device: { keyAlgorithm: device } });
      const idOf = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');
      const store = fixture.newStore();
      expect(await store.keptCertificateId()).toBe(idOf(fixture.device.certificateDer));
      const newPem = await issueNewCertificate(fixture, next);
      await fixture.newStore().rotate(newPem);
      expect(await store.keptCertificateId()).toBe(idOf(fixture.device.certificateDer));
      await store.deleteBackup();
      expect(await store.keptCertificateId()).toBe(idOf(new X509Certificate(newPem).raw));
    });

    it('deleteBackup keeps the new pair and removes both backup objects', async () => {
      fixture = await createHsmFixture({ device: { keyAlgorithm: device } });
      const newPem = await issueNewCertificate(fixture, next);
      await fixture.newStore().rotate(newPem);

      const store = fixture.newStore();
      await store.deleteBackup();

      expect(listTokenObjects(fixture.token)).toEqual([
        { kind: 'certificate', label: LABEL, id: 'dead' },
        { kind: 'private key', label: LABEL, id: 'dead' },
      ]);
      expect(tokenKeySignsFor(fixture.token, LABEL, new X509Certificate(newPem).publicKey)).toBe(true);
      expect(await store.backupExists()).toBe(false);
      expect(await store.installedCredentialsMatch()).toBe(true);
    });
  });

  it('a second rotation starts from the installed pair and replaces a backup left from the first', async () => {
    fixture = await createHsmFixture();
    const algorithms: AlgorithmConfig = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' };
    const first = await issueNewCertificate(fixture, algorithms);
    await fixture.newStore().rotate(first);
    const second = await issueNewCertificate(fixture, algorithms);
    await fixture.newStore().rotate(second);

    expect(tokenKeySignsFor(fixture.token, LABEL, new X509Certificate(second).publicKey)).toBe(true);
    expect(tokenCertificateDer(fixture.token, `${LABEL}.bak`)).toEqual(new X509Certificate(first).raw);
    expect(tokenKeySignsFor(fixture.token, `${LABEL}.bak`, new X509Certificate(first).publicKey)).toBe(true);
  });

  it('rotate refuses a certificate that is not for the pending key and changes nothing', async () => {
    fixture = await createHsmFixture();
    await fixture.newStore().createCsr({ keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' });
    const before = listTokenObjects(fixture.token);
    const stranger = await fixture.ca.issueForKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'CN=someone-else');

    await expect(fixture.newStore().rotate(stranger)).rejects.toThrow(/is not for the pending key "greengrass-core.pending"/);
    expect(listTokenObjects(fixture.token)).toEqual(before);
  });

  it('rotate without a pending key (no CSR since the last rotation) fails and changes nothing', async () => {
    fixture = await createHsmFixture();
    const before = listTokenObjects(fixture.token);
    const pem = await fixture.ca.issueForKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, 'CN=x');
    await expect(fixture.newStore().rotate(pem)).rejects.toThrow(/no private key labelled "greengrass-core.pending"/);
    expect(listTokenObjects(fixture.token)).toEqual(before);
  });

  it('rotate refuses input that is not one PEM certificate', async () => {
    fixture = await createHsmFixture();
    await expect(fixture.newStore().rotate('not a certificate')).rejects.toThrow(/Expected one PEM certificate, found 0/);
  });

  it('rollback without a complete backup fails and changes nothing', async () => {
    fixture = await createHsmFixture();
    const before = listTokenObjects(fixture.token);
    await expect(fixture.newStore().rollback()).rejects.toThrow(/No complete backup/);
    expect(listTokenObjects(fixture.token)).toEqual(before);
  });
});
