import { randomBytes, randomUUID } from 'node:crypto';
import { CertificateAuthority } from './certificate-authority.js';
import { applyTemplate, type ApiPassthrough } from './pca-templates.js';
import { InvalidCsrError, parseVerifiedCsr } from './csr.js';
import type { KeySpec } from './keys.js';
import { PCA_SIGNING_ALGORITHMS, type PcaSigningAlgorithm, signatureScheme } from './signing-algorithms.js';
import type { AccountContext } from '../arn.js';
import { AwsError } from '../errors.js';

export const PCA_KEY_ALGORITHMS = ['RSA_2048', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1'] as const;
export type PcaKeyAlgorithm = (typeof PCA_KEY_ALGORITHMS)[number];

const KEY_SPECS: Record<PcaKeyAlgorithm, KeySpec> = {
  RSA_2048: { kind: 'RSA', bits: 2048 },
  RSA_4096: { kind: 'RSA', bits: 4096 },
  EC_prime256v1: { kind: 'EC', curve: 'P-256' },
  EC_secp384r1: { kind: 'EC', curve: 'P-384' },
};

export type ValidityType = 'DAYS' | 'MONTHS' | 'YEARS' | 'ABSOLUTE';
export interface Validity {
  value: number;
  type: ValidityType;
}

export interface PrivateCaDescription {
  arn: string;
  keyAlgorithm: PcaKeyAlgorithm;
  subject: string;
  status: 'ACTIVE';
  createdAt: number;
}

interface IssuedEntry {
  readyAt: number;
  certificatePem?: string;
  error?: string;
}

interface CaEntry extends PrivateCaDescription {
  authority: CertificateAuthority;
  issued: Map<string, IssuedEntry>;
}

const DAY_MS = 86_400_000;

/** ACM Private CA: root CAs that issue asynchronously (GetCertificate is "in progress" for a while). */
export class PrivateCaService {
  private readonly cas = new Map<string, CaEntry>();

  constructor(
    private readonly ctx: AccountContext,
    private readonly now: () => number,
    private readonly issuanceDelayMs: () => number,
  ) {}

  /** `id` lets a test or demo choose the CA id (the backend's `PcaCaId`); a UUID otherwise. */
  async createCertificateAuthority(params: {
    keyAlgorithm: PcaKeyAlgorithm;
    subject?: string;
    id?: string;
  }): Promise<{ certificateAuthorityArn: string }> {
    const spec = KEY_SPECS[params.keyAlgorithm];
    if (!spec) throw new AwsError('InvalidArgsException', `Unsupported KeyAlgorithm: ${String(params.keyAlgorithm)}`);
    const arn = `arn:aws:acm-pca:${this.ctx.region}:${this.ctx.accountId}:certificate-authority/${params.id ?? randomUUID()}`;
    if (this.cas.has(arn)) throw new AwsError('InvalidArgsException', `Certificate authority ${arn} already exists`);
    const subject = params.subject ?? `CN=Stand-in Private CA ${params.keyAlgorithm}`;
    const authority = await CertificateAuthority.create({
      subject,
      keySpec: spec,
      notBefore: new Date(this.now() - DAY_MS),
      notAfter: new Date(this.now() + 3650 * DAY_MS),
    });
    this.cas.set(arn, {
      arn,
      keyAlgorithm: params.keyAlgorithm,
      subject,
      status: 'ACTIVE',
      createdAt: this.now(),
      authority,
      issued: new Map(),
    });
    return { certificateAuthorityArn: arn };
  }

  describeCertificateAuthority(arn: string): PrivateCaDescription {
    const { authority: _a, issued: _i, ...description } = this.entry(arn);
    return description;
  }

  listCertificateAuthorities(): PrivateCaDescription[] {
    return [...this.cas.keys()].map((arn) => this.describeCertificateAuthority(arn));
  }

  getCertificateAuthorityCertificate(arn: string): { certificate: string } {
    return { certificate: this.entry(arn).authority.certificatePem };
  }

  /** Root certificates of every Private CA, for TLS client verification. */
  caCertificatePems(): string[] {
    return [...this.cas.values()].map((ca) => ca.authority.certificatePem);
  }

  async issueCertificate(params: {
    certificateAuthorityArn: string;
    csr: string | Uint8Array;
    signingAlgorithm: string;
    validity: Validity;
    templateArn?: string;
    apiPassthrough?: ApiPassthrough;
  }): Promise<{ certificateArn: string }> {
    const ca = this.entry(params.certificateAuthorityArn);
    if (!(PCA_SIGNING_ALGORITHMS as readonly string[]).includes(params.signingAlgorithm)) {
      throw new AwsError('ValidationException', `Invalid SigningAlgorithm: ${params.signingAlgorithm}`);
    }
    const scheme = signatureScheme(params.signingAlgorithm as PcaSigningAlgorithm);
    if (scheme.family !== ca.authority.family) {
      throw new AwsError(
        'ValidationException',
        `SigningAlgorithm ${params.signingAlgorithm} is not compatible with the CA key algorithm ${ca.keyAlgorithm}`,
      );
    }
    const notAfter = this.notAfter(params.validity);
    let csr;
    try {
      csr = await parseVerifiedCsr(params.csr);
    } catch (error) {
      if (error instanceof InvalidCsrError) throw new AwsError('MalformedCSRException', error.message);
      throw error;
    }
    const template = applyTemplate(params.templateArn, csr, params.apiPassthrough);
    const certificateArn = `${ca.arn}/certificate/${randomBytes(16).toString('hex')}`;
    const entry: IssuedEntry = { readyAt: this.now() + this.issuanceDelayMs() };
    ca.issued.set(certificateArn, entry);
    ca.authority
      .issue({
        publicKey: csr.publicKey,
        subject: template.subject,
        notBefore: new Date(this.now() - 60_000),
        notAfter,
        scheme,
        profile: 'end-entity',
        endEntity: template.extensions,
      })
      .then(
        (certificate) => void (entry.certificatePem = certificate.toString('pem')),
        (error: unknown) => void (entry.error = (error as Error).message),
      );
    return { certificateArn };
  }

  /** RequestInProgressException until the certificate is ready, as ACM PCA answers. */
  getCertificate(params: { certificateAuthorityArn: string; certificateArn: string }): {
    certificate: string;
    certificateChain: string;
  } {
    const ca = this.entry(params.certificateAuthorityArn);
    const entry = ca.issued.get(params.certificateArn);
    if (!entry) throw new AwsError('ResourceNotFoundException', `Certificate ${params.certificateArn} not found`);
    if (entry.error !== undefined) throw new AwsError('InvalidStateException', `Issuance failed: ${entry.error}`);
    if (entry.certificatePem === undefined || this.now() < entry.readyAt) {
      throw new AwsError('RequestInProgressException', 'The request is still in progress');
    }
    return { certificate: entry.certificatePem, certificateChain: ca.authority.certificatePem };
  }

  private entry(arn: string): CaEntry {
    if (!/^arn:aws:acm-pca:[^:]+:\d{12}:certificate-authority\/[\w-]+$/.test(arn)) {
      throw new AwsError('InvalidArnException', `Invalid certificate authority ARN: ${arn}`);
    }
    const ca = this.cas.get(arn);
    if (!ca) throw new AwsError('ResourceNotFoundException', `Could not find certificate authority ${arn}`);
    return ca;
  }

  private notAfter(validity: Validity): Date {
    if (!Number.isInteger(validity.value) || validity.value <= 0) {
      throw new AwsError('ValidationException', `Invalid Validity.Value: ${validity.value}`);
    }
    const start = new Date(this.now());
    switch (validity.type) {
      case 'DAYS':
        return new Date(start.getTime() + validity.value * DAY_MS);
      case 'MONTHS':
        return new Date(start.setUTCMonth(start.getUTCMonth() + validity.value));
      case 'YEARS':
        return new Date(start.setUTCFullYear(start.getUTCFullYear() + validity.value));
      case 'ABSOLUTE':
        return new Date(validity.value * 1000);
      default:
        throw new AwsError('ValidationException', `Invalid Validity.Type: ${String(validity.type)}`);
    }
  }
}
