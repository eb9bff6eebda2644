import { ASN1Class, ASN1Form, parseASN1, parseASN1NoLeftoverBytes, type ASN1Value } from '@oslojs/asn1';

/**
 * DER reading on top of @oslojs/asn1, which parses strict DER (definite lengths only) and
 * throws on any structure that does not fit what is asked of it.
 */

/** The one DER value `der` holds; throws when bytes are left over. */
export function parseDer(der: Uint8Array): ASN1Value {
  return parseASN1NoLeftoverBytes(der);
}

/**
 * The values inside a constructed value, whatever its tag: a SEQUENCE, a SET, or an implicitly
 * tagged one such as a CSR's `[0] attributes`. Throws when `value` is primitive.
 */
export function elementsOf(value: ASN1Value): ASN1Value[] {
  if (value.form !== ASN1Form.Constructed) throw new Error('a constructed value was expected');
  const contents = value.contents();
  const elements: ASN1Value[] = [];
  for (let read = 0; read < contents.byteLength;) {
    const [element, size] = parseASN1(contents.subarray(read));
    elements.push(element);
    read += size;
  }
  return elements;
}

/**
 * The encoded bytes of the first value inside `der`'s outer value, exactly as they were sent: the
 * part of a CSR or certificate its signature covers.
 */
export function firstInnerBytes(der: Uint8Array): Uint8Array {
  const outer = parseDer(der);
  const contents = outer.contents();
  const [, size] = parseASN1(contents);
  return contents.subarray(0, size);
}

/** Whether `value` is the context-specific tag `[tag]` (as in `[0] EXPLICIT`). */
export function isContextTag(value: ASN1Value | undefined, tag: number): value is ASN1Value {
  return value !== undefined && value.class === ASN1Class.ContextSpecific && value.tag === tag;
}

/** An OBJECT IDENTIFIER in dotted form, `1.2.840.113549.1.9.14`. */
export function oidOf(value: ASN1Value): string {
  const arcs: bigint[] = [];
  let arc = 0n;
  const encoded = value.objectIdentifier().encoded;
  for (const byte of encoded) {
    arc = (arc << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(arc);
      arc = 0n;
    }
  }
  if ((encoded[encoded.byteLength - 1] ?? 0) & 0x80) throw new Error('an object identifier ends inside an arc');
  const [joint = 0n, ...rest] = arcs;
  const first = joint < 80n ? joint / 40n : 2n;
  return [first, joint - first * 40n, ...rest].join('.');
}
