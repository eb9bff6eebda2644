import { ASN1Class, ASN1Form, encodeASN1, type ASN1Value } from '@oslojs/asn1';
import { elementsOf, oidOf } from './der.js';

/** One attribute of a distinguished name, in order: `{ oid: '2.5.4.3', value: 'thing-1' }`. */
export interface NameAttribute {
  oid: string;
  value: string;
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
};

const UTF8_STRING = 12;
const PRINTABLE_STRING = 19;
const TELETEX_STRING = 20;
const IA5_STRING = 22;
const UNIVERSAL_STRING = 28;
const BMP_STRING = 30;

/** Code units of `bytes` read `width` bytes at a time, big-endian. */
function codeUnits(bytes: Uint8Array, width: 2 | 4): string {
  if (bytes.byteLength % width !== 0) throw new Error('a string of whole characters was expected');
  let text = '';
  for (let i = 0; i < bytes.byteLength; i += width) {
    let unit = 0;
    for (let j = 0; j < width; j++) unit = unit * 256 + (bytes[i + j] ?? 0);
    text += String.fromCharCode(unit);
  }
  return text;
}

/**
 * An attribute's value as text. The directory string types and IA5String are decoded (UTF-8 as
 * UTF-8, BMPString and UniversalString as big-endian code units, the others byte by byte); any
 * other type is shown as the hex of its encoding, so two values compare equal only when both
 * are the same text or the same encoding.
 */
function attributeText(value: ASN1Value): string {
  const contents = value.contents();
  if (value.class === ASN1Class.Universal && value.form === ASN1Form.Primitive) {
    switch (value.tag) {
      case UTF8_STRING:
        return Buffer.from(contents).toString('utf8');
      case PRINTABLE_STRING:
      case TELETEX_STRING:
      case IA5_STRING:
        return Buffer.from(contents).toString('latin1');
      case BMP_STRING:
        return codeUnits(contents, 2);
      case UNIVERSAL_STRING:
        return codeUnits(contents, 4);
    }
  }
  return Buffer.from(encodeASN1(value)).toString('hex');
}

/** The attributes of a Name (SEQUENCE OF SET OF AttributeTypeAndValue), flattened in encoding order. */
export function nameAttributes(name: ASN1Value): NameAttribute[] {
  name.sequence();
  return elementsOf(name).flatMap((rdn) => {
    rdn.set();
    return elementsOf(rdn).map((pair) => {
      const [type, value] = pair.sequence().elements;
      if (type === undefined || value === undefined) throw new Error('an attribute without a type and a value');
      return { oid: oidOf(type), value: attributeText(value) };
    });
  });
}

export function sameName(a: readonly NameAttribute[], b: readonly NameAttribute[]): boolean {
  return a.length === b.length && a.every((attribute, i) => attribute.oid === b[i]?.oid && attribute.value === b[i]?.value);
}

/** `CN=thing-1, O=Example` for messages and logs. */
export function formatName(attributes: readonly NameAttribute[]): string {
  if (attributes.length === 0) return '(empty)';
  return attributes.map((a) => `${SHORT_NAMES[a.oid] ?? a.oid}=${a.value}`).join(', ');
}
