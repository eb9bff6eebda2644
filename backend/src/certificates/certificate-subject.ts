import type { X509Certificate } from 'node:crypto';
import { isContextTag, parseDer } from './der.js';
import { nameAttributes, type NameAttribute } from './distinguished-name.js';

/**
 * A certificate's subject, attribute by attribute in encoding order, read from its DER
 * (Certificate, then TBSCertificate: [0] version, serialNumber, signature, issuer, validity,
 * subject). node:crypto's `subject` is text meant for people, which loses the order within a
 * multi-valued RDN and the string types.
 */
export function certificateSubject(certificate: X509Certificate): NameAttribute[] {
  const [tbs] = parseDer(certificate.raw).sequence().elements;
  if (tbs === undefined) throw new Error('a certificate without its TBSCertificate');
  const fields = tbs.sequence().elements;
  const subject = fields[isContextTag(fields[0], 0) ? 5 : 4];
  if (subject === undefined) throw new Error('a TBSCertificate without a subject');
  return nameAttributes(subject);
}
