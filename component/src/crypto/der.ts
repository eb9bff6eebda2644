/**
 * Just enough DER reading to lift the subject Name out of a certificate or a CSR with its
 * exact bytes, so that the CSR repeats the current certificate's subject byte for byte.
 */
interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

const SEQUENCE = 0x30;
const CONTEXT_0 = 0xa0;

function readTlv(der: Uint8Array, offset: number): Tlv {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined) throw new Error(`DER truncated at offset ${offset}`);
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error(`Unsupported DER length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + (der[contentStart + i] ?? 0);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error(`DER element at offset ${offset} runs past the end`);
  return { tag, start: offset, contentStart, end };
}

function expectTag(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) throw new Error(`Expected ${what} (tag 0x${tag.toString(16)}), found tag 0x${tlv.tag.toString(16)}`);
  return tlv;
}

/** Child elements of a constructed element, in order. */
function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end;) {
    const child = readTlv(der, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

function nth(items: Tlv[], index: number, what: string): Tlv {
  const item = items[index];
  if (!item) throw new Error(`Missing ${what}`);
  return item;
}

/** The subject Name of a DER certificate (Certificate.tbsCertificate.subject), bytes as they are. */
export function certificateSubjectDer(certificateDer: Uint8Array): Uint8Array {
  const certificate = expectTag(readTlv(certificateDer, 0), SEQUENCE, 'Certificate');
  const tbs = expectTag(nth(children(certificateDer, certificate), 0, 'tbsCertificate'), SEQUENCE, 'tbsCertificate');
  const fields = children(certificateDer, tbs);
  // version [0] is optional; then serialNumber, signature, issuer, validity, subject.
  const first = fields[0]?.tag === CONTEXT_0 ? 1 : 0;
  const subject = expectTag(nth(fields, first + 4, 'subject'), SEQUENCE, 'subject Name');
  return certificateDer.slice(subject.start, subject.end);
}

/** The subject Name of a DER PKCS#10 request (CertificationRequestInfo.subject). */
export function certificationRequestSubjectDer(requestDer: Uint8Array): Uint8Array {
  const request = expectTag(readTlv(requestDer, 0), SEQUENCE, 'CertificationRequest');
  const info = expectTag(nth(children(requestDer, request), 0, 'certificationRequestInfo'), SEQUENCE, 'certificationRequestInfo');
  const subject = expectTag(nth(children(requestDer, info), 1, 'subject'), SEQUENCE, 'subject Name');
  return requestDer.slice(subject.start, subject.end);
}
