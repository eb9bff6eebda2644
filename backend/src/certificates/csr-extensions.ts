import { ASN1Class, ASN1Form, type ASN1Value } from '@oslojs/asn1';
import type { CsrAttribute } from './certification-request.js';
import { oidOf, parseDer } from './der.js';

/** PKCS#9 extensionRequest: the extensions a CSR asks the CA to put in the certificate. */
const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

const BASIC_CONSTRAINTS = '2.5.29.19';
const SUBJECT_ALT_NAME = '2.5.29.17';
const KEY_USAGE = '2.5.29.15';
const EXT_KEY_USAGE = '2.5.29.37';
const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** KeyUsage bits in order (RFC 5280 4.2.1.3); digitalSignature is the one a client certificate needs. */
const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

/** GeneralName's choices by context tag (RFC 5280 4.2.1.6). */
const GENERAL_NAME_KINDS = [
  'otherName',
  'rfc822Name',
  'dNSName',
  'x400Address',
  'directoryName',
  'ediPartyName',
  'uniformResourceIdentifier',
  'iPAddress',
  'registeredID',
] as const;

function generalNameKind(name: ASN1Value): string {
  const kind = name.class === ASN1Class.ContextSpecific ? GENERAL_NAME_KINDS[name.tag] : undefined;
  if (kind === undefined) throw new Error('a GeneralName was expected');
  return kind;
}

/**
 * Whether a BasicConstraints value says CA:TRUE (cA is absent when it is the default, FALSE). Any
 * non-zero BOOLEAN counts as TRUE, as BER has it, so that a loosely encoded CA:TRUE is still named.
 */
function isCa(value: ASN1Value): boolean {
  const [cA] = value.sequence().elements;
  if (cA === undefined || cA.class !== ASN1Class.Universal || cA.tag !== 1) return false;
  const contents = cA.contents();
  if (cA.form !== ASN1Form.Primitive || contents.byteLength !== 1) throw new Error('a BOOLEAN of one byte was expected');
  return contents[0] !== 0;
}

/** What an extension asks for beyond a client certificate, from its extnValue; throws when that cannot be decoded. */
function extensionProblem(id: string, extnValue: Uint8Array): string | undefined {
  switch (id) {
    case BASIC_CONSTRAINTS:
      return isCa(parseDer(extnValue)) ? 'a CA certificate (basicConstraints CA:TRUE)' : undefined;
    case SUBJECT_ALT_NAME:
      return `subject alternative names (${parseDer(extnValue).sequence().elements.map(generalNameKind).join(', ')})`;
    case KEY_USAGE: {
      const bits = parseDer(extnValue).bitString();
      const extra = KEY_USAGE_NAMES.filter(
        (_name, bit) => bit > 0 && bit < bits.length && ((bits.bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0,
      );
      return extra.length > 0 ? `key usages a client certificate does not need (${extra.join(', ')})` : undefined;
    }
    case EXT_KEY_USAGE: {
      const extra = parseDer(extnValue)
        .sequence()
        .elements.map(oidOf)
        .filter((usage) => usage !== CLIENT_AUTH);
      return extra.length > 0 ? `extended key usages other than client authentication (${extra.join(', ')})` : undefined;
    }
    case SUBJECT_KEY_IDENTIFIER:
      return undefined;
    default:
      return `the extension ${id}`;
  }
}

/** An Extension's identifier and its extnValue; throws when it is not an Extension. */
function extension(value: ASN1Value): { id: string; value: Uint8Array } {
  const elements = value.sequence().elements;
  const [idValue, second, third] = elements;
  const critical = elements.length === 3 ? second : undefined;
  critical?.boolean();
  const extnValue = elements.length === 3 ? third : second;
  if (idValue === undefined || extnValue === undefined || elements.length > 3) throw new Error('an Extension was expected');
  return { id: oidOf(idValue), value: extnValue.octetString().value };
}

/** What the CSR's requested extensions ask for beyond a client certificate; empty when nothing. */
export function requestedExtensionProblems(attributes: readonly CsrAttribute[]): string[] {
  const problems: string[] = [];
  for (const attribute of attributes) {
    if (attribute.type !== EXTENSION_REQUEST) continue;
    for (const encoded of attribute.values) {
      let extensions: Array<{ id: string; value: Uint8Array }>;
      try {
        extensions = encoded.sequence().elements.map(extension);
      } catch {
        problems.push('extensions that cannot be decoded');
        continue;
      }
      for (const { id, value } of extensions) {
        try {
          const problem = extensionProblem(id, value);
          if (problem !== undefined) problems.push(problem);
        } catch {
          problems.push(`an undecodable ${id} extension`);
        }
      }
    }
  }
  return problems;
}
