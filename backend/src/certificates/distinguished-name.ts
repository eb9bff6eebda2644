import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';

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

/** The attributes of a Name, flattened in encoding order; string types are not compared, values are. */
export function nameAttributes(name: Name): NameAttribute[] {
  return name.flatMap((rdn) => rdn.map((attribute) => ({ oid: attribute.type, value: attribute.value.toString() })));
}

export function nameAttributesOfDer(der: ArrayBuffer): NameAttribute[] {
  return nameAttributes(AsnConvert.parse(der, Name));
}

export function sameName(a: readonly NameAttribute[], b: readonly NameAttribute[]): boolean {
  return a.length === b.length && a.every((attribute, i) => attribute.oid === b[i]?.oid && attribute.value === b[i]?.value);
}

/** `CN=thing-1, O=Example` for messages and logs. */
export function formatName(attributes: readonly NameAttribute[]): string {
  if (attributes.length === 0) return '(empty)';
  return attributes.map((a) => `${SHORT_NAMES[a.oid] ?? a.oid}=${a.value}`).join(', ');
}
