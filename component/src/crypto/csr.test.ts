import { execFileSync } from 'node:child_process';
import { constants, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VALID_ALGORITHM_PAIRS } from '../config/validate.js';
import { buildCsr, createKeyAndCsr, subjectOfCertificate, webCryptoSigner, type CsrSign } from './csr.js';
import { generateKeyPair, publicKeySpki } from './key-pair.js';
import { hashLength, signingHash } from './signature-algorithm.js';

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// openssl's names for what each configuration must produce.
const OPENSSL_HASH = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;
const OPENSSL_KEY = {
  'RSA-2048': /Public-Key: \(2048 bit\)[\s\S]*Exponent: 65537 \(0x10001\)/,
  'RSA-3072': /Public-Key: \(3072 bit\)[\s\S]*Exponent: 65537 \(0x10001\)/,
  'ECDSA-P256': /Public-Key: \(256 bit\)[\s\S]*NIST CURVE: P-256/,
  'ECDSA-P384': /Public-Key: \(384 bit\)[\s\S]*NIST CURVE: P-384/,
  'ECDSA-P521': /Public-Key: \(521 bit\)[\s\S]*NIST CURVE: P-521/,
} as const;

let dir: string;
let certificatePem: string;
let expectedSubject: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'csr-test-'));
  // A subject with several string types and a multi-valued RDN, to show it is copied as is.
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
    '-multivalue-rdn',
    '-keyout',
    path.join(dir, 'current.key'),
    '-out',
    path.join(dir, 'current.pem'),
    '-subj',
    '/C=US/O=Example Corp+OU=Devices/CN=core-0001/emailAddress=ops@example.com',
  ]);
  certificatePem = readFileSync(path.join(dir, 'current.pem'), 'utf8');
  expectedSubject = openssl(['x509', '-in', path.join(dir, 'current.pem'), '-noout', '-subject', '-nameopt', 'RFC2253']).trim();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createKeyAndCsr, checked with openssl', () => {
  it.each(VALID_ALGORITHM_PAIRS.map((p) => [p.keyAlgorithm, p.signingAlgorithm, p] as const))(
    '%s / %s',
    async (keyAlgorithm, signingAlgorithm, algorithms) => {
      const result = await createKeyAndCsr(subjectOfCertificate(certificatePem), algorithms);
      const csrFile = path.join(dir, `${keyAlgorithm}-${signingAlgorithm}.csr`);
      const keyFile = path.join(dir, `${keyAlgorithm}-${signingAlgorithm}.key`);
      writeFileSync(csrFile, result.csrPem);
      writeFileSync(keyFile, result.privateKeyPem);

      const text = execFileSync('openssl', ['req', '-in', csrFile, '-verify', '-noout', '-text'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const verifyLine = execFileSync('sh', ['-c', `openssl req -in '${csrFile}' -verify -noout 2>&1`], { encoding: 'utf8' });
      expect(verifyLine).toMatch(/verify OK/);
      expect(text).toMatch(OPENSSL_KEY[keyAlgorithm]);
      expect(text).toMatch(/Attributes:\s+\(none\)/);

      const hash = OPENSSL_HASH[signingHash(signingAlgorithm)];
      if (signingAlgorithm.endsWith('ANDMGF1')) {
        expect(text).toContain('Signature Algorithm: rsassaPss');
        expect(text).toContain(`Hash Algorithm: ${hash}`);
        expect(text).toContain(`Mask Algorithm: mgf1 with ${hash}`);
        expect(text).toContain(`Salt Length: 0x${hashLength(signingHash(signingAlgorithm)).toString(16)}`);
      } else if (signingAlgorithm.startsWith('ECDSA')) {
        expect(text).toContain(`Signature Algorithm: ecdsa-with-${hash.toUpperCase()}`);
      } else {
        expect(text).toContain(`Signature Algorithm: ${hash}WithRSAEncryption`);
      }
      expect(text).toMatch(keyAlgorithm.startsWith('RSA') ? /Public Key Algorithm: rsaEncryption/ : /Public Key Algorithm: id-ecPublicKey/);

      const subject = openssl(['req', '-in', csrFile, '-noout', '-subject', '-nameopt', 'RFC2253']).trim();
      expect(subject).toBe(expectedSubject);

      expect(result.privateKeyPem).toMatch(
        keyAlgorithm.startsWith('RSA') ? /^-----BEGIN RSA PRIVATE KEY-----\n/ : /^-----BEGIN PRIVATE KEY-----\n/,
      );
      const keyPublic = openssl(['pkey', '-in', keyFile, '-pubout']);
      const csrPublic = openssl(['req', '-in', csrFile, '-noout', '-pubkey']);
      expect(keyPublic).toBe(csrPublic);
      if (keyAlgorithm.startsWith('RSA')) {
        expect(openssl(['rsa', '-in', keyFile, '-check', '-noout'])).toContain('RSA key ok');
      }
    },
  );
});

function derOfCsr(csrPem: string): Buffer {
  const file = path.join(dir, 'check.csr');
  writeFileSync(file, csrPem);
  return execFileSync('openssl', ['req', '-in', file, '-outform', 'DER']);
}

function opensslVerifies(csrPem: string): boolean {
  const file = path.join(dir, 'verify.csr');
  writeFileSync(file, csrPem);
  return /verify OK/.test(execFileSync('sh', ['-c', `openssl req -in '${file}' -verify -noout 2>&1 || true`], { encoding: 'utf8' }));
}

/** A Name with a T61String, a BMPString and a multi-valued RDN whose members are not in DER order. */
function unusualSubject(): Uint8Array {
  const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag, body.length]), body]);
  const atv = (oidHex: string, tag: number, value: Buffer) =>
    tlv(0x30, Buffer.concat([tlv(0x06, Buffer.from(oidHex, 'hex')), tlv(tag, value)]));
  return tlv(
    0x30,
    Buffer.concat([
      tlv(0x31, atv('550403', 0x14, Buffer.from('teletex name'))),
      tlv(0x31, atv('55040b', 0x1e, Buffer.from('\0o\0u', 'latin1'))),
      tlv(0x31, Buffer.concat([atv('55040b', 0x0c, Buffer.from('zz')), atv('55040a', 0x0c, Buffer.from('aa'))])),
    ]),
  );
}

describe('buildCsr', () => {
  it('repeats the subject DER of the certificate byte for byte', async () => {
    const subject = Buffer.from(subjectOfCertificate(certificatePem));
    const certificateDer = execFileSync('openssl', ['x509', '-in', path.join(dir, 'current.pem'), '-outform', 'DER']);
    expect(certificateDer.includes(subject)).toBe(true);
    const { csrPem } = await createKeyAndCsr(subject, { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' });
    expect(derOfCsr(csrPem).includes(subject)).toBe(true);
  });

  it('keeps unusual subject encodings as they are', async () => {
    const subject = unusualSubject();
    const { csrPem } = await createKeyAndCsr(subject, { keyAlgorithm: 'ECDSA-P384', signingAlgorithm: 'ECDSA-WITH-SHA384' });
    expect(derOfCsr(csrPem).includes(Buffer.from(subject))).toBe(true);
    expect(opensslVerifies(csrPem)).toBe(true);
  });

  it('works with an external signer that never hands over the private key', async () => {
    // Signs as an HSM would: ECDSA raw r||s, RSA-PSS with MGF1 of the same hash and salt = hash length.
    for (const algorithms of [
      { keyAlgorithm: 'ECDSA-P521', signingAlgorithm: 'ECDSA-WITH-SHA384' },
      { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA512WITHRSAANDMGF1' },
    ] as const) {
      const pair = await generateKeyPair(algorithms.keyAlgorithm);
      const seen: string[] = [];
      const sign: CsrSign = async (tbs, algorithm) => {
        seen.push(algorithm.name);
        const hash = algorithm.hash.name.replace('-', '').toLowerCase();
        return algorithm.name === 'ECDSA'
          ? nodeSign(hash, tbs, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' })
          : nodeSign(hash, tbs, {
              key: pair.privateKey,
              padding: constants.RSA_PKCS1_PSS_PADDING,
              saltLength: algorithm.name === 'RSA-PSS' ? algorithm.saltLength : 0,
            });
      };
      const csrPem = await buildCsr({
        subject: subjectOfCertificate(certificatePem),
        publicKeySpki: publicKeySpki(pair.publicKey),
        algorithms,
        sign,
      });
      expect(opensslVerifies(csrPem)).toBe(true);
      expect(seen).toEqual([algorithms.keyAlgorithm.startsWith('RSA') ? 'RSA-PSS' : 'ECDSA']);
    }
  });

  it('refuses a key and signing algorithm of different families', async () => {
    await expect(createKeyAndCsr(unusualSubject(), { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'SHA256WITHRSA' })).rejects.toThrow(
      'Signing algorithm SHA256WITHRSA does not suit key algorithm ECDSA-P256',
    );
  });

  it('refuses a public key that is not of the configured key algorithm', async () => {
    const pair = await generateKeyPair('ECDSA-P384');
    await expect(
      buildCsr({
        subject: unusualSubject(),
        publicKeySpki: publicKeySpki(pair.publicKey),
        algorithms: { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' },
        sign: webCryptoSigner(pair.privateKey),
      }),
    ).rejects.toThrow('CSR public key is ECDSA-P384, expected ECDSA-P256');
    const edwards = generateKeyPairSync('ed25519');
    await expect(
      buildCsr({
        subject: unusualSubject(),
        publicKeySpki: publicKeySpki(edwards.publicKey),
        algorithms: { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' },
        sign: webCryptoSigner(pair.privateKey),
      }),
    ).rejects.toThrow('CSR public key is of an unsupported type, expected ECDSA-P256');
  });

  it('refuses an ECDSA signature that is not raw r||s', async () => {
    const pair = await generateKeyPair('ECDSA-P256');
    await expect(
      buildCsr({
        subject: unusualSubject(),
        publicKeySpki: publicKeySpki(pair.publicKey),
        algorithms: { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' },
        sign: async (tbs) => nodeSign('sha256', tbs, pair.privateKey), // DER-encoded
      }),
    ).rejects.toThrow(/ECDSA signature for P-256 has \d+ bytes, expected raw r\|\|s/);
  });

  it('refuses a signature made with another key', async () => {
    const pair = await generateKeyPair('RSA-2048');
    const other = await generateKeyPair('RSA-2048');
    await expect(
      buildCsr({
        subject: unusualSubject(),
        publicKeySpki: publicKeySpki(pair.publicKey),
        algorithms: { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' },
        sign: webCryptoSigner(other.privateKey),
      }),
    ).rejects.toThrow('CSR self-signature does not verify (SHA256WITHRSA)');
  });
});

describe('buildCsr with pooled Node buffers', () => {
  it('signs the exact subject and key bytes when they are views into a shared pool', async () => {
    const keys = await generateKeyPair('ECDSA-P256');
    const spki = publicKeySpki(keys.publicKey);
    // Buffer.from(array) of a small size comes from Node's shared allocation pool.
    const pooled = Buffer.from(Array.from(spki));
    expect(pooled.byteOffset).toBeGreaterThan(0);
    const subject = Buffer.from([0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, 0x63, 0x6f, 0x72, 0x65]);
    const pem = await buildCsr({
      subject,
      publicKeySpki: pooled,
      algorithms: { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' },
      sign: webCryptoSigner(keys.privateKey),
    });
    expect(pem).toContain('BEGIN CERTIFICATE REQUEST');
  });
});
