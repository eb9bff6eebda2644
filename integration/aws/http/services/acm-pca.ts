import { z } from 'zod';
import type { PrivateCaDescription, PrivateCaService } from '../../model/ca/private-ca.js';
import type { JsonOperation } from '../protocols/aws-json.js';
import { epochSeconds, parseInput } from '../validate.js';

const caArn = z.string().min(5).max(200);

const Issue = z.object({
  CertificateAuthorityArn: caArn,
  Csr: z.base64(),
  SigningAlgorithm: z.string().min(1),
  Validity: z.object({ Value: z.number().int(), Type: z.enum(['DAYS', 'MONTHS', 'YEARS', 'ABSOLUTE']) }),
  IdempotencyToken: z.string().optional(),
  TemplateArn: z.string().optional(),
  ApiPassthrough: z
    .object({
      Subject: z.record(z.string(), z.unknown()).optional(),
      Extensions: z
        .object({
          KeyUsage: z.record(z.string(), z.boolean()).optional(),
          ExtendedKeyUsage: z
            .array(z.object({ ExtendedKeyUsageType: z.string().optional(), ExtendedKeyUsageObjectIdentifier: z.string().optional() }))
            .optional(),
        })
        .optional(),
    })
    .optional(),
});
const GetCertificate = z.object({ CertificateAuthorityArn: caArn, CertificateArn: z.string().min(5).max(400) });
const CaOnly = z.object({ CertificateAuthorityArn: caArn });

const SUBJECT_FIELDS: Readonly<Record<string, string>> = {
  CN: 'CommonName',
  O: 'Organization',
  OU: 'OrganizationalUnit',
  C: 'Country',
  ST: 'State',
  L: 'Locality',
};

const CA_SIGNING_ALGORITHM: Readonly<Record<PrivateCaDescription['keyAlgorithm'], string>> = {
  RSA_2048: 'SHA256WITHRSA',
  RSA_4096: 'SHA256WITHRSA',
  EC_prime256v1: 'SHA256WITHECDSA',
  EC_secp384r1: 'SHA384WITHECDSA',
};

/** `CN=x,O=y` as the ASN1Subject structure of the API (values with commas are not expected here). */
function subjectOf(dn: string): Record<string, string> {
  const subject: Record<string, string> = {};
  for (const part of dn.split(',')) {
    const [key, ...value] = part.split('=');
    const field = SUBJECT_FIELDS[(key ?? '').trim()];
    if (field) subject[field] = value.join('=').trim();
  }
  return subject;
}

/** The blob is the CSR file as the caller had it: PEM text (the usual case) or DER bytes. */
function csrOf(base64: string): string | Uint8Array {
  const bytes = Buffer.from(base64, 'base64');
  const text = bytes.toString('utf8');
  return text.includes('-----BEGIN') ? text : new Uint8Array(bytes);
}

const describe = (ca: PrivateCaDescription) => ({
  Arn: ca.arn,
  OwnerAccount: ca.arn.split(':')[4],
  CreatedAt: epochSeconds(ca.createdAt),
  LastStateChangeAt: epochSeconds(ca.createdAt),
  Type: 'ROOT',
  Status: ca.status,
  CertificateAuthorityConfiguration: {
    KeyAlgorithm: ca.keyAlgorithm,
    SigningAlgorithm: CA_SIGNING_ALGORITHM[ca.keyAlgorithm],
    Subject: subjectOf(ca.subject),
  },
  KeyStorageSecurityStandard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
  UsageMode: 'GENERAL_PURPOSE',
});

/** AWS Private CA (awsJson1_1, target prefix `ACMPrivateCA`). */
export function privateCaOperations(pca: PrivateCaService): Record<string, JsonOperation> {
  return {
    IssueCertificate: async (body) => {
      const input = parseInput(Issue, body);
      const issued = await pca.issueCertificate({
        certificateAuthorityArn: input.CertificateAuthorityArn,
        csr: csrOf(input.Csr),
        signingAlgorithm: input.SigningAlgorithm,
        validity: { value: input.Validity.Value, type: input.Validity.Type },
        ...(input.TemplateArn === undefined ? {} : { templateArn: input.TemplateArn }),
        ...(input.ApiPassthrough === undefined ? {} : { apiPassthrough: input.ApiPassthrough }),
      });
      return { CertificateArn: issued.certificateArn };
    },
    GetCertificate: async (body) => {
      const input = parseInput(GetCertificate, body);
      const issued = pca.getCertificate({
        certificateAuthorityArn: input.CertificateAuthorityArn,
        certificateArn: input.CertificateArn,
      });
      return { Certificate: issued.certificate, CertificateChain: issued.certificateChain };
    },
    DescribeCertificateAuthority: async (body) => {
      const input = parseInput(CaOnly, body);
      return { CertificateAuthority: describe(pca.describeCertificateAuthority(input.CertificateAuthorityArn)) };
    },
    GetCertificateAuthorityCertificate: async (body) => {
      const input = parseInput(CaOnly, body);
      return { Certificate: pca.getCertificateAuthorityCertificate(input.CertificateAuthorityArn).certificate };
    },
  };
}
