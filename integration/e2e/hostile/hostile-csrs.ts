import { createPrivateKey, webcrypto } from 'node:crypto';
import { cryptoProvider, x509 } from '../../aws/index.js';
import { makeCsr, tamperCsr } from '../../test/support/aws/csr.js';
import type { Thing } from './hostile-world.js';

type Keys = webcrypto.CryptoKeyPair;

async function ecKeys(): Promise<Keys> {
  return (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as Keys;
}

async function csrWith(keys: Keys, subject: string, extensions: x509.Extension[] = [], hash = 'SHA-256'): Promise<string> {
  const algorithm = keys.privateKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash } : { name: 'RSASSA-PKCS1-v1_5', hash };
  return (
    await x509.Pkcs10CertificateRequestGenerator.create(
      { name: subject, keys, signingAlgorithm: algorithm as webcrypto.Algorithm, extensions },
      cryptoProvider,
    )
  ).toString('pem');
}

/** The thing's own key pair, as a CSR for "the current key" needs it. */
async function currentKeys(thing: Thing): Promise<Keys> {
  const pkcs8 = createPrivateKey(thing.privateKeyPem).export({ format: 'der', type: 'pkcs8' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  const publicKey = await new x509.X509Certificate(thing.certificatePem).publicKey.export(
    { name: 'ECDSA', namedCurve: 'P-256' },
    ['verify'],
    cryptoProvider,
  );
  return { privateKey, publicKey } as Keys;
}

/** CSRs a hostile or broken client might send for `thing`, each of which the backend must refuse. */
export async function hostileCsrs(thing: Thing) {
  const subject = `CN=${thing.thingName}`;
  const rsa1024 = (await webcrypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as Keys;
  return {
    good: await makeCsr('EC-P256', subject),
    badSignature: tamperCsr(await makeCsr('EC-P256', subject)),
    rsa1024: await csrWith(rsa1024, subject),
    currentKey: await csrWith(await currentKeys(thing), subject),
    ca: await csrWith(await ecKeys(), subject, [new x509.BasicConstraintsExtension(true, undefined, true)]),
    san: await csrWith(await ecKeys(), subject, [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'evil.example' }])]),
    keyCertSign: await csrWith(await ecKeys(), subject, [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign),
    ]),
    otherSubject: await csrWith(await ecKeys(), 'CN=attacker, O=Evil Corp, OU=admin'),
  };
}
