import { X509Certificate } from 'node:crypto';
import { AsnConvert, AsnIntegerArrayBufferConverter } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import * as graphene from 'graphene-pk11';
import { certificateSubjectDer } from '../../crypto/der.js';

/** DER of a PEM certificate; refuses anything that is not exactly one parsable certificate. */
export function certificatePemToDer(pem: string): Buffer {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
  if (blocks.length !== 1) {
    throw new Error(`Expected one PEM certificate, found ${blocks.length}`);
  }
  return new X509Certificate(pem).raw;
}

/**
 * The attributes of a token certificate object for `der`, as python-pkcs11's
 * `decode_x509_certificate` sets them for the original: type X.509, subject (exact bytes),
 * issuer, serial number (DER INTEGER) and value, plus the label and id it is installed under.
 */
export function certificateTemplate(der: Buffer, label: string, id: Buffer): graphene.ITemplate {
  const tbs = AsnConvert.parse(der, Certificate).tbsCertificate;
  return {
    class: graphene.ObjectClass.CERTIFICATE,
    certType: graphene.CertificateType.X_509,
    token: true,
    private: false,
    label,
    id,
    subject: Buffer.from(certificateSubjectDer(der)),
    issuer: Buffer.from(AsnConvert.serialize(tbs.issuer)),
    serial: Buffer.from(AsnIntegerArrayBufferConverter.toASN(tbs.serialNumber).toBER()),
    value: der,
  };
}
