import { Attribute } from '@peculiar/asn1-x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  ExtendedKeyUsage,
  Extensions,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  KeyUsage,
  KeyUsageFlags,
  SubjectAlternativeName,
} from '@peculiar/asn1-x509';

/** PKCS#9 extensionRequest: the extensions a CSR asks the CA to put in the certificate. */
const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

const KEY_USAGE_NAMES: ReadonlyArray<[KeyUsageFlags, string]> = [
  [KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [KeyUsageFlags.cRLSign, 'cRLSign'],
  [KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

function extensionProblem(id: string, value: ArrayBuffer): string | undefined {
  switch (id) {
    case id_ce_basicConstraints:
      return AsnConvert.parse(value, BasicConstraints).cA ? 'a CA certificate (basicConstraints CA:TRUE)' : undefined;
    case id_ce_subjectAltName: {
      const names = AsnConvert.parse(value, SubjectAlternativeName).map(
        (name) => Object.entries(name).find(([, v]) => v !== undefined)?.[0] ?? 'name',
      );
      return `subject alternative names (${names.join(', ')})`;
    }
    case id_ce_keyUsage: {
      const flags = AsnConvert.parse(value, KeyUsage).toNumber();
      const extra = KEY_USAGE_NAMES.filter(([flag]) => flag !== KeyUsageFlags.digitalSignature && (flags & flag) !== 0).map(([, n]) => n);
      return extra.length > 0 ? `key usages a client certificate does not need (${extra.join(', ')})` : undefined;
    }
    case id_ce_extKeyUsage: {
      const extra = AsnConvert.parse(value, ExtendedKeyUsage).filter((usage) => usage !== id_kp_clientAuth);
      return extra.length > 0 ? `extended key usages other than client authentication (${extra.join(', ')})` : undefined;
    }
    case id_ce_subjectKeyIdentifier:
      return undefined;
    default:
      return `the extension ${id}`;
  }
}

/** What the CSR's requested extensions ask for beyond a client certificate; empty when nothing. */
export function requestedExtensionProblems(attributes: readonly Attribute[]): string[] {
  const problems: string[] = [];
  for (const attribute of attributes) {
    if (attribute.type !== EXTENSION_REQUEST) continue;
    for (const encoded of attribute.values) {
      let extensions: Extensions;
      try {
        extensions = AsnConvert.parse(encoded, Extensions);
      } catch {
        problems.push('extensions that cannot be decoded');
        continue;
      }
      for (const extension of extensions) {
        try {
          const problem = extensionProblem(extension.extnID, extension.extnValue.buffer);
          if (problem !== undefined) problems.push(problem);
        } catch {
          problems.push(`an undecodable ${extension.extnID} extension`);
        }
      }
    }
  }
  return problems;
}
