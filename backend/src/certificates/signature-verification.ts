import { constants, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import type { ASN1Value } from '@oslojs/asn1';
import { algorithmIdentifier, type AlgorithmIdentifier } from './certification-request.js';
import { elementsOf, isContextTag } from './der.js';

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
const SHA1 = '1.3.14.3.2.26';

/** The one value inside an `[n] EXPLICIT` tag. */
function explicit(tagged: ASN1Value): ASN1Value {
  const [value, ...rest] = elementsOf(tagged);
  if (value === undefined || rest.length > 0) throw new Error('an explicit tag holds one value');
  return value;
}

/**
 * RSASSA-PSS-params (RFC 4055): the hash (default SHA-1) and the salt length (default 20); the
 * mask generation function and the trailer field are not read.
 */
function pssParameters(parameters: ASN1Value): { hash: string; saltLength: number } {
  let hash = SHA1;
  let saltLength = 20;
  for (const field of parameters.sequence().elements) {
    if (isContextTag(field, 0)) hash = algorithmIdentifier(explicit(field)).algorithm;
    else if (isContextTag(field, 2)) saltLength = Number(explicit(field).integer().value);
  }
  return { hash, saltLength };
}

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
  if (algorithm.algorithm === RSA_PSS && keyType === 'rsa' && algorithm.parameters !== undefined) {
    let params: { hash: string; saltLength: number };
    try {
      params = pssParameters(algorithm.parameters);
    } catch {
      return undefined;
    }
    const digest = HASHES[params.hash];
    if (digest === undefined) return undefined;
    return { digest, options: (k) => ({ key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }) };
  }
  return undefined;
}
