import { X509Certificate } from 'node:crypto';
import * as graphene from 'graphene-pk11';
import type { KeyAlgorithm } from '../../../component/src/config/algorithms.js';
import {
  certificateDer,
  certificateTemplate,
  findObject,
  generateKeyPairInToken,
  requireObject,
  spkiOfObject,
  withTokenSession,
  type Pkcs11ProviderConfig,
} from '../../../component/src/credentials/pkcs11/index.js';

/**
 * What a fleet operator does to a core's HSM before Greengrass first starts: generate the key pair
 * inside the token (sensitive, never extractable), get a certificate for its public key, and store
 * the certificate next to the key under the same label and id. Every function opens its own
 * session through the component's `withTokenSession`, so the library is initialised the same way.
 */

/** Generates the core's key pair in the token; returns the public key (SPKI DER). The private key never leaves. */
export function generateDeviceKey(provider: Pkcs11ProviderConfig, keyAlgorithm: KeyAlgorithm, label: string, id: Buffer): Buffer {
  return withTokenSession(provider, 'read-write', ({ session }) => {
    if (findObject(session, 'private key', label) !== undefined)
      throw new Error(`The token already holds a private key labelled "${label}"`);
    const pair = generateKeyPairInToken(session, keyAlgorithm, label, id);
    const spki = spkiOfObject(pair.publicKey);
    // Greengrass needs only the private key and the certificate; the store destroys public keys too.
    pair.publicKey.destroy();
    return spki;
  });
}

/** Stores the certificate as a public token object with the key's label and id. */
export function importDeviceCertificate(provider: Pkcs11ProviderConfig, certificatePem: string, label: string, id: Buffer): void {
  const der = new X509Certificate(certificatePem).raw;
  withTokenSession(provider, 'read-write', ({ session }) => {
    session.create(certificateTemplate(der, label, id));
  });
}

/** The certificate labelled `label` as PEM: what the nucleus presents in the TLS handshake. */
export function readTokenCertificatePem(provider: Pkcs11ProviderConfig, label: string): string {
  const der = withTokenSession(provider, 'read-only', ({ session }) => certificateDer(requireObject(session, 'certificate', label)));
  return new X509Certificate(der).toString();
}

/** Protection flags of the private key labelled `label`, to show it cannot leave the token. */
export function privateKeyFlags(
  provider: Pkcs11ProviderConfig,
  label: string,
): { sensitive: boolean; extractable: boolean; neverExtractable: boolean } {
  return withTokenSession(provider, 'read-only', ({ session }) => {
    const key = requireObject(session, 'private key', label);
    return {
      sensitive: key.getAttribute('sensitive') as boolean,
      extractable: key.getAttribute('extractable') as boolean,
      neverExtractable: key.getAttribute('neverExtractable') as boolean,
    };
  });
}

/** Every token object's kind and label (logged in, so private objects too), sorted. */
export function tokenObjectLabels(provider: Pkcs11ProviderConfig): string[] {
  return withTokenSession(provider, 'read-only', ({ session }) => {
    const found = session.find({ token: true });
    const labels: string[] = [];
    for (let i = 0; i < found.length; i += 1) {
      const object = found.items(i);
      labels.push(`${KIND_NAMES[object.class] ?? `class ${object.class}`} ${String(object.getAttribute('label'))}`);
    }
    return labels.sort();
  });
}

const KIND_NAMES: Partial<Record<number, string>> = {
  [graphene.ObjectClass.CERTIFICATE]: 'certificate',
  [graphene.ObjectClass.PRIVATE_KEY]: 'private key',
  [graphene.ObjectClass.PUBLIC_KEY]: 'public key',
};
