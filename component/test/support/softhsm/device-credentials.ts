import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import * as graphene from 'graphene-pk11';
import type { KeyAlgorithm } from '../../../src/config/algorithms.js';
import { certificateTemplate } from '../../../src/credentials/pkcs11/certificate-object.js';
import { withTokenSession } from '../../../src/credentials/pkcs11/session.js';
import { CKA_COPYABLE } from '../../../src/credentials/pkcs11/token-objects.js';
import type { SoftHsmToken } from './softhsm-token.js';
import type { TestCa } from './test-ca.js';

export interface DeviceCredentialOptions {
  /** CKA_LABEL of the certificate and private key (the URI's `object=`). */
  label: string;
  /** CKA_ID of both objects. */
  id: Buffer;
  keyAlgorithm?: KeyAlgorithm;
  /** Subject of the device certificate; default has several RDNs, one of them multi-valued. */
  subject?: string;
  /** Import the key with CKA_COPYABLE false (a token set-up that cannot be rotated). */
  nonCopyableKey?: boolean;
}

export interface DeviceCredentials {
  label: string;
  id: Buffer;
  certificatePem: string;
  certificateDer: Buffer;
  publicKey: KeyObject;
  /** PKCS#11 URIs as Greengrass's effective configuration holds them. */
  paths: { certificateFilePath: string; privateKeyPath: string };
}

export const DEFAULT_DEVICE_SUBJECT = 'CN=hsm-thing-1, OU=Fleet A+L=Seattle, O=Example Corp, C=US';

/**
 * The pair comes out of key generation already encoded and is parsed back into fresh key objects.
 * Node 20 can deadlock when a generated key is exported as JWK: the export holds the key's lock
 * while it allocates, and a garbage collection at that moment frees the generation job, which takes
 * the same lock. A key parsed from DER belongs to no generation job.
 */
function generate(keyAlgorithm: KeyAlgorithm): { publicKey: KeyObject; privateKey: KeyObject } {
  const pair = generateDer(keyAlgorithm);
  return {
    publicKey: createPublicKey({ key: pair.publicKey, format: 'der', type: 'spki' }),
    privateKey: createPrivateKey({ key: pair.privateKey, format: 'der', type: 'pkcs8' }),
  };
}

function generateDer(keyAlgorithm: KeyAlgorithm): { publicKey: Buffer; privateKey: Buffer } {
  const publicKeyEncoding = { type: 'spki', format: 'der' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'der' } as const;
  switch (keyAlgorithm) {
    case 'RSA-2048':
    case 'RSA-3072':
      return generateKeyPairSync('rsa', {
        modulusLength: keyAlgorithm === 'RSA-2048' ? 2048 : 3072,
        publicKeyEncoding,
        privateKeyEncoding,
      });
    case 'ECDSA-P256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding, privateKeyEncoding });
    case 'ECDSA-P384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384', publicKeyEncoding, privateKeyEncoding });
    case 'ECDSA-P521':
      return generateKeyPairSync('ec', { namedCurve: 'P-521', publicKeyEncoding, privateKeyEncoding });
  }
}

const CURVE_NAME: Readonly<Record<string, string>> = { 'P-256': 'secp256r1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

function privateKeyTemplate(privateKey: KeyObject, label: string, id: Buffer): graphene.ITemplate {
  const jwk = privateKey.export({ format: 'jwk' });
  const b = (value: string | undefined): Buffer => Buffer.from(value ?? '', 'base64url');
  const common = {
    class: graphene.ObjectClass.PRIVATE_KEY,
    token: true,
    private: true,
    sensitive: true,
    extractable: false,
    sign: true,
    label,
    id,
  };
  if (jwk.kty === 'RSA') {
    return {
      ...common,
      keyType: graphene.KeyType.RSA,
      decrypt: true,
      modulus: b(jwk.n),
      publicExponent: b(jwk.e),
      privateExponent: b(jwk.d),
      prime1: b(jwk.p),
      prime2: b(jwk.q),
      exp1: b(jwk.dp),
      exp2: b(jwk.dq),
      coefficient: b(jwk.qi),
    };
  }
  const curve = CURVE_NAME[jwk.crv ?? ''];
  if (curve === undefined) throw new Error(`Unsupported curve ${jwk.crv ?? '(none)'}`);
  return { ...common, keyType: graphene.KeyType.EC, paramsEC: graphene.NamedCurve.getByName(curve).value, value: b(jwk.d) };
}

function uri(label: string, type: 'cert' | 'private'): string {
  return `pkcs11:object=${encodeURIComponent(label)};type=${type}`;
}

/**
 * Provisions the token as an operator would before Greengrass starts: a device key (generated in
 * memory here, then imported as a sensitive, non-extractable token object) and its certificate
 * issued by `ca`, both under one label and id.
 */
export async function provisionDeviceCredentials(
  token: SoftHsmToken,
  ca: TestCa,
  options: DeviceCredentialOptions,
): Promise<DeviceCredentials> {
  const keyAlgorithm = options.keyAlgorithm ?? 'RSA-2048';
  const { publicKey, privateKey } = generate(keyAlgorithm);
  const certificatePem = await ca.issueForKey(publicKey, options.subject ?? DEFAULT_DEVICE_SUBJECT);
  const certificateDer = new X509Certificate(certificatePem).raw;
  token.activate();
  withTokenSession(token.provider, 'read-write', ({ session }) => {
    const template = graphene.Template.toPkcs11(privateKeyTemplate(privateKey, options.label, options.id));
    // CKA_COPYABLE can only be set when the object is created, and graphene's templates know it by number only.
    if (options.nonCopyableKey === true) template.push({ type: CKA_COPYABLE, value: false });
    session.lib.C_CreateObject(session.handle, template);
    session.create(certificateTemplate(certificateDer, options.label, options.id));
  });
  return {
    label: options.label,
    id: options.id,
    certificatePem,
    certificateDer,
    publicKey,
    paths: { certificateFilePath: uri(options.label, 'cert'), privateKeyPath: uri(options.label, 'private') },
  };
}
