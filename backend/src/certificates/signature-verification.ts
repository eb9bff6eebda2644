import { constants, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { AlgorithmIdentifier } from '@peculiar/asn1-x509';

/** How node:crypto verifies a signature made with an X.509 signature algorithm. */
export interface SignatureCheck {
  digest: string;
  options(key: KeyObject): VerifyKeyObjectInput;
}

const HASHES: Readonly<Record<string, string>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const RSA_PKCS1: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};

const ECDSA: Readonly<Record<string, string>> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

const RSA_PSS = '1.2.840.113549.1.1.10';

/**
 * The check for the signature algorithms the component signs CSRs with (SHA-2 with RSA PKCS#1
 * v1.5, RSA-PSS or ECDSA), or undefined for any other algorithm or one that does not fit the key.
 */
export function signatureVerification(algorithm: AlgorithmIdentifier, key: KeyObject): SignatureCheck | undefined {
  const keyType = key.asymmetricKeyType;
  const pkcs1 = RSA_PKCS1[algorithm.algorithm];
  if (pkcs1 !== undefined && keyType === 'rsa') {
    return { digest: pkcs1, options: (k) => ({ key: k, padding: constants.RSA_PKCS1_PADDING }) };
  }
  const ecdsa = ECDSA[algorithm.algorithm];
  if (ecdsa !== undefined && keyType === 'ec') return { digest: ecdsa, options: (k) => ({ key: k, dsaEncoding: 'der' }) };
  if (algorithm.algorithm === RSA_PSS && keyType === 'rsa' && algorithm.parameters) {
    let params: RsaSaPssParams;
    try {
      params = AsnConvert.parse(algorithm.parameters, RsaSaPssParams);
    } catch {
      return undefined;
    }
    const digest = HASHES[params.hashAlgorithm.algorithm];
    if (digest === undefined) return undefined;
    return { digest, options: (k) => ({ key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }) };
  }
  return undefined;
}
