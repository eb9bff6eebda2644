import { createPublicKey, ECDH, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sameKey } from '../../src/certificates/same-key.js';
import { currentCertificate, keyPair } from '../lambdas/support/csr-fixture.js';

/** The P-256 SubjectPublicKeyInfo header for a compressed point (33 bytes follow). */
const P256_COMPRESSED_SPKI = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');

describe('the same key', () => {
  it('is the same whether its EC point is written compressed or not', async () => {
    const current = await currentCertificate('CN=core-1', await keyPair('EC-P256'));
    const key = new X509Certificate(current.pem).publicKey;
    const uncompressed = key.export({ type: 'spki', format: 'der' }).subarray(-65);
    const compressed = ECDH.convertKey(uncompressed, 'prime256v1', undefined, undefined, 'compressed') as Buffer;
    const other = createPublicKey({ key: Buffer.concat([P256_COMPRESSED_SPKI, compressed]), format: 'der', type: 'spki' });
    expect(other.export({ type: 'spki', format: 'der' }).equals(key.export({ type: 'spki', format: 'der' }))).toBe(false);
    expect(sameKey(key, other)).toBe(true);
  });

  it('tells apart keys of different types, curves and values', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    expect(sameKey(p256, rsa)).toBe(false);
    expect(sameKey(rsa, p256)).toBe(false);
    expect(sameKey(p256, p384)).toBe(false);
    expect(sameKey(p256, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toBe(false);
    expect(sameKey(rsa, createPublicKey(rsa.export({ type: 'spki', format: 'pem' })))).toBe(true);
  });
});
