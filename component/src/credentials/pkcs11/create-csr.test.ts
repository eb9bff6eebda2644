import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlgorithmConfig } from '../../config/algorithms.js';
import { VALID_ALGORITHM_PAIRS } from '../../config/validate.js';
import { certificateSubjectDer, certificationRequestSubjectDer } from '../../crypto/der.js';
import * as x509 from '../../crypto/x509.js';
import { createHsmFixture, type HsmFixture } from '../../../test/support/softhsm/hsm-fixture.js';
import { opensslVerifyCsr } from '../../../test/support/softhsm/openssl.js';
import { listTokenObjects, privateKeyProtection } from '../../../test/support/softhsm/token-inspection.js';

const HSM_PAIRS = VALID_ALGORITHM_PAIRS.filter((pair) => pair.keyAlgorithm !== 'ECDSA-P521');

const OPENSSL_SIGNATURE: Record<AlgorithmConfig['signingAlgorithm'], RegExp[]> = {
  SHA256WITHRSA: [/Signature Algorithm: sha256WithRSAEncryption/],
  SHA384WITHRSA: [/Signature Algorithm: sha384WithRSAEncryption/],
  SHA512WITHRSA: [/Signature Algorithm: sha512WithRSAEncryption/],
  SHA256WITHRSAANDMGF1: [
    /Signature Algorithm: rsassaPss/,
    /Hash Algorithm: sha256/,
    /Mask Algorithm: mgf1 with sha256/,
    /Salt Length: 0x20/,
  ],
  SHA384WITHRSAANDMGF1: [
    /Signature Algorithm: rsassaPss/,
    /Hash Algorithm: sha384/,
    /Mask Algorithm: mgf1 with sha384/,
    /Salt Length: 0x30/,
  ],
  SHA512WITHRSAANDMGF1: [
    /Signature Algorithm: rsassaPss/,
    /Hash Algorithm: sha512/,
    /Mask Algorithm: mgf1 with sha512/,
    /Salt Length: 0x40/,
  ],
  'ECDSA-WITH-SHA256': [/Signature Algorithm: ecdsa-with-SHA256/],
  'ECDSA-WITH-SHA384': [/Signature Algorithm: ecdsa-with-SHA384/],
  'ECDSA-WITH-SHA512': [/Signature Algorithm: ecdsa-with-SHA512/],
};

const OPENSSL_KEY: Record<string, RegExp> = {
  'RSA-2048': /Public-Key: \(2048 bit\)/,
  'RSA-3072': /Public-Key: \(3072 bit\)/,
  'ECDSA-P256': /NIST CURVE: P-256/,
  'ECDSA-P384': /NIST CURVE: P-384/,
};

function csrDer(pem: string): Uint8Array {
  return new Uint8Array(new x509.Pkcs10CertificateRequest(pem).rawData);
}

describe('Pkcs11CredentialStore.createCsr on a SoftHSM2 token', () => {
  let fixture: HsmFixture;
  beforeEach(async () => {
    fixture = await createHsmFixture();
  });
  afterEach(async () => {
    await fixture.dispose();
  });

  it('covers the 18 valid pairs an HSM can use (every valid pair except P-521)', () => {
    expect(HSM_PAIRS).toHaveLength(18);
  });

  it.each(HSM_PAIRS)(
    '$keyAlgorithm / $signingAlgorithm: openssl verifies the CSR; subject copied; key stays in the token',
    async (pair) => {
      const csrPem = await fixture.newStore().createCsr(pair);

      const text = opensslVerifyCsr(csrPem);
      expect(text).toMatch(/self-signature verify OK/);
      for (const pattern of OPENSSL_SIGNATURE[pair.signingAlgorithm]) expect(text).toMatch(pattern);
      expect(text).toMatch(OPENSSL_KEY[pair.keyAlgorithm] ?? /never/);
      expect(text).toMatch(/Subject: CN = hsm-thing-1, .*L = Seattle.*, O = Example Corp, C = US/);
      expect(Buffer.from(certificationRequestSubjectDer(csrDer(csrPem)))).toEqual(
        Buffer.from(certificateSubjectDer(fixture.device.certificateDer)),
      );

      // The pending private key is the only new object: public key destroyed, id = old id || 0x01.
      expect(listTokenObjects(fixture.token)).toEqual([
        { kind: 'certificate', label: 'greengrass-core', id: 'dead' },
        { kind: 'private key', label: 'greengrass-core', id: 'dead' },
        { kind: 'private key', label: 'greengrass-core.pending', id: 'dead01' },
      ]);
      expect(privateKeyProtection(fixture.token, 'greengrass-core.pending')).toEqual({
        sensitive: true,
        extractable: false,
        alwaysSensitive: true,
        neverExtractable: true,
        token: true,
        secretReadable: false,
      });
    },
  );

  it('deletes the pending key left by an earlier CSR (or a power cut) before generating another', async () => {
    const store = fixture.newStore();
    const first = await store.createCsr({ keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' });
    const second = await fixture.newStore().createCsr({ keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' });
    const keyOf = (pem: string) => Buffer.from(new x509.Pkcs10CertificateRequest(pem).publicKey.rawData).toString('hex');
    expect(keyOf(second)).not.toBe(keyOf(first));
    expect(listTokenObjects(fixture.token).filter((o) => o.label === 'greengrass-core.pending')).toEqual([
      { kind: 'private key', label: 'greengrass-core.pending', id: 'dead01' },
    ]);
  });

  it('refuses P-521 before touching the token', async () => {
    await expect(fixture.newStore().createCsr({ keyAlgorithm: 'ECDSA-P521', signingAlgorithm: 'ECDSA-WITH-SHA512' })).rejects.toThrow(
      /ECDSA-P521 cannot be used with an HSM: Greengrass \(aws-c-io\)/,
    );
    expect(listTokenObjects(fixture.token).map((o) => o.label)).not.toContain('greengrass-core.pending');
  });
});
