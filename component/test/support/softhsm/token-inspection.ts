import { createHash, randomBytes, verify, type KeyObject } from 'node:crypto';
import * as graphene from 'graphene-pk11';
import { withTokenSession } from '../../../src/credentials/pkcs11/session.js';
import type { SoftHsmToken } from './softhsm-token.js';

export interface TokenObjectInfo {
  kind: 'certificate' | 'private key' | 'public key' | 'other';
  label: string;
  /** CKA_ID, hex. */
  id: string;
}

const KIND: Partial<Record<number, TokenObjectInfo['kind']>> = {
  [graphene.ObjectClass.CERTIFICATE]: 'certificate',
  [graphene.ObjectClass.PRIVATE_KEY]: 'private key',
  [graphene.ObjectClass.PUBLIC_KEY]: 'public key',
};

/** Every token object (logged in, so private ones too), sorted for stable comparison. */
export function listTokenObjects(token: SoftHsmToken): TokenObjectInfo[] {
  token.activate();
  return withTokenSession(token.provider, 'read-only', ({ session }) => {
    const found = session.find({ token: true });
    const objects: TokenObjectInfo[] = [];
    for (let i = 0; i < found.length; i += 1) {
      const object = found.items(i);
      const id: unknown = object.getAttribute('id');
      objects.push({
        kind: KIND[object.class] ?? 'other',
        label: String(object.getAttribute('label')),
        id: Buffer.isBuffer(id) ? id.toString('hex') : '',
      });
    }
    const key = (o: TokenObjectInfo) => [o.label, o.kind, o.id] as const;
    return objects.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return (x[i] ?? '') < (y[i] ?? '') ? -1 : 1;
      return 0;
    });
  });
}

/** CKA_VALUE of the certificate with a label, or undefined. */
export function tokenCertificateDer(token: SoftHsmToken, label: string): Buffer | undefined {
  token.activate();
  return withTokenSession(token.provider, 'read-only', ({ session }) => {
    const found = session.find({ class: graphene.ObjectClass.CERTIFICATE, label });
    return found.length === 1 ? Buffer.from(found.items(0).getAttribute('value') as Buffer) : undefined;
  });
}

function onePrivateKey(session: graphene.Session, label: string): graphene.SessionObject {
  const found = session.find({ class: graphene.ObjectClass.PRIVATE_KEY, label });
  if (found.length !== 1) throw new Error(`Expected one private key labelled "${label}", found ${found.length}`);
  return found.items(0);
}

/** Signs a random challenge with the token key labelled `label` and verifies it with `publicKey`. */
export function tokenKeySignsFor(token: SoftHsmToken, label: string, publicKey: KeyObject): boolean {
  token.activate();
  const challenge = randomBytes(48);
  return withTokenSession(token.provider, 'read-only', ({ session }) => {
    const key = onePrivateKey(session, label).toType<graphene.PrivateKey>();
    if (publicKey.asymmetricKeyType === 'rsa') {
      const signature = session.createSign('SHA256_RSA_PKCS', key).once(challenge);
      return verify('sha256', challenge, publicKey, signature);
    }
    const signature = session.createSign('ECDSA', key).once(createHash('sha256').update(challenge).digest());
    return verify('sha256', challenge, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  });
}

export interface PrivateKeyProtection {
  sensitive: boolean;
  extractable: boolean;
  alwaysSensitive: boolean;
  neverExtractable: boolean;
  token: boolean;
  /** Whether reading the secret part (CKA_PRIVATE_EXPONENT or CKA_VALUE) succeeded. */
  secretReadable: boolean;
}

export function privateKeyProtection(token: SoftHsmToken, label: string): PrivateKeyProtection {
  token.activate();
  return withTokenSession(token.provider, 'read-only', ({ session }) => {
    const key = onePrivateKey(session, label);
    const isRsa = key.getAttribute('keyType') === graphene.KeyType.RSA;
    let secretReadable: boolean;
    try {
      key.getAttribute(isRsa ? 'privateExponent' : 'value');
      secretReadable = true;
    } catch {
      secretReadable = false;
    }
    return {
      sensitive: key.getAttribute('sensitive') as boolean,
      extractable: key.getAttribute('extractable') as boolean,
      alwaysSensitive: key.getAttribute('alwaysSensitive') as boolean,
      neverExtractable: key.getAttribute('neverExtractable') as boolean,
      token: key.getAttribute('token') as boolean,
      secretReadable,
    };
  });
}
