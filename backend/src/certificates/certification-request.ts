import { encodeASN1, type ASN1Value } from '@oslojs/asn1';
import { elementsOf, firstInnerBytes, isContextTag, oidOf, parseDer } from './der.js';
import { nameAttributes, type NameAttribute } from './distinguished-name.js';

/** An AlgorithmIdentifier: the algorithm and its parameters, when it has any. */
export interface AlgorithmIdentifier {
  algorithm: string;
  parameters?: ASN1Value;
}

/** An attribute of a CSR: its type and its values. */
export interface CsrAttribute {
  type: string;
  values: ASN1Value[];
}

/** What the checks read of a PKCS#10 certification request (RFC 2986). */
export interface CertificationRequest {
  /** The encoded certificationRequestInfo as it was sent: what the signature covers. */
  signedBytes: Uint8Array;
  subject: NameAttribute[];
  /** The encoded SubjectPublicKeyInfo. */
  subjectPublicKeyInfo: Uint8Array;
  attributes: CsrAttribute[];
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
}

export function algorithmIdentifier(value: ASN1Value): AlgorithmIdentifier {
  const [algorithm, parameters, ...rest] = value.sequence().elements;
  if (algorithm === undefined || rest.length > 0) throw new Error('an AlgorithmIdentifier of one or two values was expected');
  return { algorithm: oidOf(algorithm), ...(parameters === undefined ? {} : { parameters }) };
}

function attribute(value: ASN1Value): CsrAttribute {
  const [type, values, ...rest] = value.sequence().elements;
  if (type === undefined || values === undefined || rest.length > 0)
    throw new Error('an attribute of a type and a set of values was expected');
  return { type: oidOf(type), values: values.set().elements };
}

/** Parses a DER CertificationRequest; throws when it is not one. */
export function parseCertificationRequest(der: Uint8Array): CertificationRequest {
  const [info, signatureAlgorithm, signature, ...rest] = parseDer(der).sequence().elements;
  if (info === undefined || signatureAlgorithm === undefined || signature === undefined || rest.length > 0) {
    throw new Error('a CertificationRequest of three values was expected');
  }
  const [version, subject, subjectPublicKeyInfo, attributes, ...more] = info.sequence().elements;
  if (version === undefined || subject === undefined || subjectPublicKeyInfo === undefined || attributes === undefined || more.length > 0) {
    throw new Error('a CertificationRequestInfo of a version, a subject, a key and attributes was expected');
  }
  version.integer();
  subjectPublicKeyInfo.sequence();
  if (!isContextTag(attributes, 0)) throw new Error('the attributes were expected as [0]');
  return {
    signedBytes: firstInnerBytes(der),
    subject: nameAttributes(subject),
    subjectPublicKeyInfo: encodeASN1(subjectPublicKeyInfo),
    attributes: elementsOf(attributes).map(attribute),
    signatureAlgorithm: algorithmIdentifier(signatureAlgorithm),
    signature: signature.bitString().bytes,
  };
}
