import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inspectCsr } from '../../src/certificates/csr-policy.js';
import { currentCertificate, csrPem, keyPair, x509 } from '../lambdas/support/csr-fixture.js';

const derOf = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
const csrPemOf = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;

describe('the CSR a rotation may send', () => {
  it('is accepted with a new key and the current subject, and keeps that subject', async () => {
    const current = await currentCertificate('CN=core-1, O=Fleet');
    const verdict = inspectCsr(await csrPem({ subject: 'CN=core-1, O=Fleet' }), current.pem);
    expect(verdict).toEqual({
      ok: true,
      subject: [
        { oid: '2.5.4.3', value: 'core-1' },
        { oid: '2.5.4.10', value: 'Fleet' },
      ],
    });
  });

  it.each([
    ['RSA-2048', true],
    ['EC-P384', true],
    ['RSA-1024', false],
  ] as const)('takes a %s key: %s', async (kind, ok) => {
    const current = await currentCertificate();
    const verdict = inspectCsr(await csrPem({ keys: await keyPair(kind) }), current.pem);
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) expect(verdict.problem).toMatch(/RSA key of 1024 bits/);
  });

  const refusals: Array<[string, () => Promise<{ csr: string; current: string }>, RegExp]> = [
    [
      "the current certificate's key",
      async () => {
        const current = await currentCertificate();
        return { csr: await csrPem({ keys: current.keys }), current: current.pem };
      },
      /public key is the current certificate's; a rotation must change the key/,
    ],
    [
      'another subject',
      async () => ({ csr: await csrPem({ subject: 'CN=core-2, O=Evil Corp, OU=admin' }), current: (await currentCertificate()).pem }),
      /subject CN=core-2, O=Evil Corp, OU=admin; .*CN=core-1/,
    ],
    [
      'a CA certificate',
      async () => ({
        csr: await csrPem({ extensions: [new x509.BasicConstraintsExtension(true)] }),
        current: (await currentCertificate()).pem,
      }),
      /CA:TRUE/,
    ],
    [
      'subject alternative names',
      async () => ({
        csr: await csrPem({ extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'evil.example' }])] }),
        current: (await currentCertificate()).pem,
      }),
      /subject alternative names \(dNSName\)/,
    ],
    [
      'key usages a client does not need',
      async () => ({
        csr: await csrPem({
          extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign)],
        }),
        current: (await currentCertificate()).pem,
      }),
      /key usages .*\(keyCertSign\)/,
    ],
    [
      'server authentication',
      async () => ({
        csr: await csrPem({ extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth])] }),
        current: (await currentCertificate()).pem,
      }),
      /1\.3\.6\.1\.5\.5\.7\.3\.1/,
    ],
    [
      'a key usage it does not encode as a BIT STRING',
      async () => ({
        csr: await csrPem({ extensions: [new x509.Extension('2.5.29.15', true, new Uint8Array([0x04, 0x01, 0x80]))] }),
        current: (await currentCertificate()).pem,
      }),
      /an undecodable 2\.5\.29\.15 extension/,
    ],
    [
      'something other than a SEQUENCE around its parts',
      async () => {
        const der = derOf(await csrPem());
        der[0] = 0xb0;
        return { csr: csrPemOf(der), current: (await currentCertificate()).pem };
      },
      /cannot be decoded as a PKCS#10 certificate signing request/,
    ],
    [
      'a certificate instead of a CSR',
      async () => ({ csr: (await currentCertificate()).pem, current: (await currentCertificate()).pem }),
      /is a certificate, not a certificate signing request/,
    ],
    [
      'text that is not PEM',
      async () => ({ csr: 'junk', current: (await currentCertificate()).pem }),
      /not a PEM certificate signing request/,
    ],
    [
      'a broken signature',
      async () => {
        const der = derOf(await csrPem());
        der[der.length - 3] = (der[der.length - 3] ?? 0) ^ 0xff;
        return { csr: csrPemOf(der), current: (await currentCertificate()).pem };
      },
      /signature does not verify/,
    ],
  ];

  it.each(refusals)('is refused when it asks for %s, naming it', async (_name, arrange, message) => {
    const { csr, current } = await arrange();
    const verdict = inspectCsr(csr, current);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.problem).toMatch(message);
  });

  it('accepts a request for exactly a client certificate', async () => {
    const extensions = [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      new x509.BasicConstraintsExtension(false),
    ];
    expect(inspectCsr(await csrPem({ extensions }), (await currentCertificate()).pem).ok).toBe(true);
  });

  it('accepts an RSA-PSS signature and reads its hash and salt length', async () => {
    const keys = (await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-384' },
      true,
      ['sign', 'verify'],
    )) as webcrypto.CryptoKeyPair;
    const pssKey = await webcrypto.subtle.importKey(
      'pkcs8',
      await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
      { name: 'RSA-PSS', hash: 'SHA-384' },
      true,
      ['sign'],
    );
    const csr = await x509.Pkcs10CertificateRequestGenerator.create(
      { name: 'CN=core-1', keys: { publicKey: keys.publicKey, privateKey: pssKey }, signingAlgorithm: { name: 'RSA-PSS', saltLength: 48 } },
      webcrypto as unknown as NonNullable<Parameters<typeof x509.Pkcs10CertificateRequestGenerator.create>[1]>,
    );
    const der = Buffer.from(csr.rawData);
    expect(der.includes(Buffer.from('06092a864886f70d01010a', 'hex'))).toBe(true);
    expect(inspectCsr(csr.toString('pem'), (await currentCertificate()).pem).ok).toBe(true);
  });
});
