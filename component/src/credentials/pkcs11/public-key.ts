import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import * as graphene from 'graphene-pk11';

// Read by number: graphene names CKA_EC_PARAMS 'paramsECDSA' when reading (the two share 0x180).
const CKA_EC_PARAMS = 0x180;
const CKA_EC_POINT = 0x181;

const JWK_CURVE: Readonly<Record<string, { crv: string; bytes: number }>> = {
  secp256r1: { crv: 'P-256', bytes: 32 },
  secp384r1: { crv: 'P-384', bytes: 48 },
  secp521r1: { crv: 'P-521', bytes: 66 },
};

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function stripLeadingZeros(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  return bytes.subarray(start);
}

/**
 * CKA_EC_POINT is meant to be a DER OCTET STRING around the uncompressed point (SoftHSM does that);
 * some tokens return the bare point. The expected point length tells the two apart.
 */
export function uncompressedPoint(attribute: Buffer, coordinateBytes: number): Buffer {
  const pointLength = 1 + 2 * coordinateBytes;
  if (attribute.length === pointLength && attribute[0] === 0x04) return attribute;
  // DER OCTET STRING: 0x04, a short or 0x81 long-form length, then the point.
  const headerLength = attribute[1] === 0x81 ? 3 : 2;
  const inner = attribute.subarray(headerLength);
  if (attribute[0] === 0x04 && inner.length === pointLength && inner[0] === 0x04) return inner;
  throw new Error(`CKA_EC_POINT of ${attribute.length} bytes is not an uncompressed point of this curve`);
}

export function keyTypeOf(object: graphene.SessionObject): 'RSA' | 'EC' {
  const type = object.getAttribute('keyType') as number;
  if (type === graphene.KeyType.RSA) return 'RSA';
  if (type === graphene.KeyType.EC) return 'EC';
  throw new Error(`Unsupported PKCS#11 key type 0x${type.toString(16)}`);
}

export function curveOf(object: graphene.SessionObject): { name: string; crv: string; bytes: number } {
  const params = object.getAttribute(CKA_EC_PARAMS);
  const curve = graphene.NamedCurve.getByBuffer(params);
  const jwk = JWK_CURVE[curve.name];
  if (jwk === undefined) throw new Error(`Unsupported EC curve ${curve.name}`);
  return { name: curve.name, ...jwk };
}

/** RSA public key from the public attributes that RSA public and private key objects both carry. */
export function rsaPublicKeyOf(object: graphene.SessionObject): KeyObject {
  const jwk: JsonWebKey = {
    kty: 'RSA',
    n: base64url(stripLeadingZeros(object.getAttribute('modulus') as Buffer)),
    e: base64url(stripLeadingZeros(object.getAttribute('publicExponent') as Buffer)),
  };
  return createPublicKey({ key: jwk, format: 'jwk' });
}

/** The public key of a PKCS#11 public key object (RSA or EC). */
export function publicKeyOfObject(object: graphene.SessionObject): KeyObject {
  if (keyTypeOf(object) === 'RSA') return rsaPublicKeyOf(object);
  const curve = curveOf(object);
  const point = uncompressedPoint(object.getAttribute(CKA_EC_POINT), curve.bytes);
  const jwk: JsonWebKey = {
    kty: 'EC',
    crv: curve.crv,
    x: base64url(point.subarray(1, 1 + curve.bytes)),
    y: base64url(point.subarray(1 + curve.bytes)),
  };
  return createPublicKey({ key: jwk, format: 'jwk' });
}

/** SubjectPublicKeyInfo DER of a PKCS#11 public key object. */
export function spkiOfObject(object: graphene.SessionObject): Buffer {
  return publicKeyOfObject(object).export({ type: 'spki', format: 'der' });
}
