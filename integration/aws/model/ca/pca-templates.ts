import * as x509 from './x509.js';
import type { EndEntityExtensions } from './certificate-authority.js';
import { AwsError } from '../errors.js';

/**
 * The Private CA certificate templates the stand-in knows, as AWS Private CA documents them
 * (template definitions, template order of operations): a base template copies the subject and
 * subject alternative names from the CSR and sets its own extensions, ignoring every other CSR
 * extension; an APIPassthrough template takes the subject, subject alternative names and
 * extensions from the request's ApiPassthrough first, the subject and names from the CSR
 * otherwise. IssueCertificate without a template uses EndEntityCertificate/V1.
 */
export interface ApiPassthrough {
  Subject?: Record<string, unknown>;
  Extensions?: {
    KeyUsage?: Record<string, boolean>;
    ExtendedKeyUsage?: Array<{ ExtendedKeyUsageType?: string; ExtendedKeyUsageObjectIdentifier?: string }>;
  };
}

export interface TemplateOutcome {
  subject: string | x509.JsonName;
  extensions: EndEntityExtensions;
}

const F = x509.KeyUsageFlags;
const KEY_USAGE_FLAGS: Readonly<Record<string, number>> = {
  DigitalSignature: F.digitalSignature,
  NonRepudiation: F.nonRepudiation,
  KeyEncipherment: F.keyEncipherment,
  DataEncipherment: F.dataEncipherment,
  KeyAgreement: F.keyAgreement,
  KeyCertSign: F.keyCertSign,
  CRLSign: F.cRLSign,
  EncipherOnly: F.encipherOnly,
  DecipherOnly: F.decipherOnly,
};
const EKU: Readonly<Record<string, string>> = {
  SERVER_AUTH: x509.ExtendedKeyUsage.serverAuth,
  CLIENT_AUTH: x509.ExtendedKeyUsage.clientAuth,
  CODE_SIGNING: x509.ExtendedKeyUsage.codeSigning,
  EMAIL_PROTECTION: x509.ExtendedKeyUsage.emailProtection,
  TIME_STAMPING: x509.ExtendedKeyUsage.timeStamping,
  OCSP_SIGNING: x509.ExtendedKeyUsage.ocspSigning,
};
const SUBJECT_FIELDS: Readonly<Record<string, string>> = {
  Country: 'C',
  Organization: 'O',
  OrganizationalUnit: 'OU',
  State: 'ST',
  Locality: 'L',
  CommonName: 'CN',
  SerialNumber: '2.5.4.5',
  Title: '2.5.4.12',
};

function csrAltNames(csr: x509.Pkcs10CertificateRequest): x509.GeneralNames | undefined {
  const extension = csr.extensions.find((e) => e.type === '2.5.29.17');
  return extension ? new x509.SubjectAlternativeNameExtension(extension.rawData).names : undefined;
}

function apiSubject(subject: Record<string, unknown> | undefined): x509.JsonName | undefined {
  if (subject === undefined) return undefined;
  const custom = subject['CustomAttributes'];
  if (Array.isArray(custom)) {
    if (Object.keys(subject).length > 1)
      throw new AwsError('ValidationException', 'CustomAttributes cannot be combined with standard subject attributes');
    return custom.map((a: { ObjectIdentifier?: string; Value?: string }) => ({ [a.ObjectIdentifier ?? '']: [a.Value ?? ''] }));
  }
  return Object.entries(subject).flatMap(([field, value]) =>
    SUBJECT_FIELDS[field] && typeof value === 'string' ? [{ [SUBJECT_FIELDS[field]]: [value] }] : [],
  );
}

function apiExtensions(passthrough: ApiPassthrough | undefined): EndEntityExtensions {
  const keyUsage = Object.entries(passthrough?.Extensions?.KeyUsage ?? {}).reduce(
    (flags, [name, on]) => (on ? flags | (KEY_USAGE_FLAGS[name] ?? 0) : flags),
    0,
  );
  const extendedKeyUsage = (passthrough?.Extensions?.ExtendedKeyUsage ?? []).flatMap((u) => {
    const oid = u.ExtendedKeyUsageObjectIdentifier ?? (u.ExtendedKeyUsageType ? EKU[u.ExtendedKeyUsageType] : undefined);
    return oid ? [oid] : [];
  });
  return { ...(keyUsage ? { keyUsage } : {}), ...(extendedKeyUsage.length ? { extendedKeyUsage } : {}) };
}

/** What the issued certificate says under the template; ValidationException for one the stand-in lacks. */
export function applyTemplate(
  templateArn: string | undefined,
  csr: x509.Pkcs10CertificateRequest,
  passthrough: ApiPassthrough | undefined,
): TemplateOutcome {
  const template =
    templateArn === undefined ? 'EndEntityCertificate/V1' : templateArn.slice(templateArn.indexOf(':template/') + ':template/'.length);
  const altNames = csrAltNames(csr);
  const fromCsr = { subject: csr.subject, ...(altNames ? { subjectAltNames: altNames } : {}) };
  switch (template) {
    case 'EndEntityCertificate/V1':
      return {
        subject: fromCsr.subject,
        extensions: {
          ...fromCsr,
          keyUsage: F.digitalSignature | F.keyEncipherment,
          extendedKeyUsage: [EKU['SERVER_AUTH'] ?? '', EKU['CLIENT_AUTH'] ?? ''],
        },
      };
    case 'EndEntityClientAuthCertificate/V1':
      return {
        subject: fromCsr.subject,
        extensions: { ...fromCsr, keyUsage: F.digitalSignature | F.keyAgreement, extendedKeyUsage: [EKU['CLIENT_AUTH'] ?? ''] },
      };
    case 'BlankEndEntityCertificate_APIPassthrough/V1':
      return {
        subject: apiSubject(passthrough?.Subject) ?? fromCsr.subject,
        extensions: { ...(altNames ? { subjectAltNames: altNames } : {}), ...apiExtensions(passthrough) },
      };
    default:
      throw new AwsError('ValidationException', `The stand-in does not model the template ${templateArn ?? ''}`);
  }
}
