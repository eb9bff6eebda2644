import { createHash, X509Certificate } from 'node:crypto';
import { type AccountContext, certificateArn } from '../arn.js';
import { AwsError, invalidRequest, notFound } from '../errors.js';
import { Listeners } from '../listeners.js';

export const CERTIFICATE_STATUSES = [
  'ACTIVE',
  'INACTIVE',
  'REVOKED',
  'PENDING_TRANSFER',
  'REGISTER_INACTIVE',
  'PENDING_ACTIVATION',
] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export interface CertificateRecord {
  /** SHA-256 of the DER, lower-case hex: what AWS IoT and `principal()` call the certificate id. */
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
  status: CertificateStatus;
  /** Id of the registered CA certificate; absent for AWS-issued and registered-without-CA. */
  caCertificateId?: string;
  certificateMode: 'DEFAULT' | 'SNI_ONLY';
  ownedBy: string;
  creationDate: number;
  lastModifiedDate: number;
  validity: { notBefore: number; notAfter: number };
  customerVersion: number;
  generationId: string;
}

export interface CertificateEvent {
  certificateId: string;
  certificateArn: string;
  kind: 'created' | 'statusChanged' | 'deleted';
  status: CertificateStatus;
  previousStatus?: CertificateStatus;
}

/** What DeleteCertificate must check in the other registries. */
export interface CertificateAttachments {
  thingsOf(certificateArn: string): string[];
  policiesOf(certificateArn: string): string[];
}

/** The certificate id AWS IoT gives a PEM certificate. */
export function certificateIdOf(pemOrDer: string | Buffer): string {
  const der = typeof pemOrDer === 'string' ? new X509Certificate(pemOrDer).raw : pemOrDer;
  return createHash('sha256').update(der).digest('hex');
}

export class CertificateStore {
  private readonly records = new Map<string, CertificateRecord>();
  private readonly events: Listeners<CertificateEvent>;

  constructor(
    private readonly ctx: AccountContext,
    private readonly now: () => number,
    private readonly attachments: CertificateAttachments,
    onListenerError?: (error: unknown) => void,
  ) {
    this.events = new Listeners(onListenerError);
  }

  /** Listens to creations, status changes and deletions; returns the unsubscribe function. */
  onEvent(listener: (event: CertificateEvent) => void): () => void {
    return this.events.add(listener);
  }

  /** Adds a certificate (CreateCertificateFromCsr, RegisterCertificate[WithoutCA], provisioning). */
  add(certificatePem: string, status: CertificateStatus, caCertificateId?: string): CertificateRecord {
    let parsed: X509Certificate;
    try {
      parsed = new X509Certificate(certificatePem);
    } catch {
      throw new AwsError('CertificateValidationException', 'The certificate is not a valid X.509 PEM certificate');
    }
    const certificateId = createHash('sha256').update(parsed.raw).digest('hex');
    if (this.records.has(certificateId)) {
      throw new AwsError('ResourceAlreadyExistsException', `The certificate is already provisioned or registered`);
    }
    const now = this.now();
    const record: CertificateRecord = {
      certificateId,
      certificateArn: certificateArn(this.ctx, certificateId),
      certificatePem: parsed.toString(),
      status,
      ...(caCertificateId === undefined ? {} : { caCertificateId }),
      certificateMode: 'DEFAULT',
      ownedBy: this.ctx.accountId,
      creationDate: now,
      lastModifiedDate: now,
      validity: { notBefore: Date.parse(parsed.validFrom), notAfter: Date.parse(parsed.validTo) },
      customerVersion: 1,
      generationId: `${now}-${certificateId.slice(0, 8)}`,
    };
    this.records.set(certificateId, record);
    this.events.emit({ certificateId, certificateArn: record.certificateArn, kind: 'created', status });
    return { ...record };
  }

  describeCertificate(certificateId: string): CertificateRecord {
    const record = this.records.get(certificateId);
    if (!record) throw notFound(`The certificate ${certificateId} cannot be found.`);
    return { ...record, validity: { ...record.validity } };
  }

  /** Undefined rather than an error: the broker asks this for every connection. */
  find(certificateId: string): CertificateRecord | undefined {
    const record = this.records.get(certificateId);
    return record ? { ...record } : undefined;
  }

  listCertificates(): CertificateRecord[] {
    return [...this.records.keys()].map((id) => this.describeCertificate(id));
  }

  updateCertificate(certificateId: string, newStatus: CertificateStatus): void {
    const record = this.records.get(certificateId);
    if (!record) throw notFound(`The certificate ${certificateId} cannot be found.`);
    if (!CERTIFICATE_STATUSES.includes(newStatus)) throw invalidRequest(`Invalid newStatus: ${String(newStatus)}`);
    if (record.status === 'REVOKED' && newStatus !== 'REVOKED') {
      throw new AwsError('CertificateStateException', 'The certificate is revoked and cannot change status');
    }
    if (record.status === 'PENDING_TRANSFER') {
      throw new AwsError('CertificateStateException', 'The certificate is pending transfer');
    }
    if (record.status === newStatus) return;
    const previousStatus = record.status;
    record.status = newStatus;
    record.lastModifiedDate = this.now();
    record.customerVersion += 1;
    this.events.emit({
      certificateId,
      certificateArn: record.certificateArn,
      kind: 'statusChanged',
      status: newStatus,
      previousStatus,
    });
  }

  /**
   * As AWS IoT: an ACTIVE certificate cannot be deleted (CertificateStateException); one still
   * attached to a thing, or to a policy unless `forceDelete`, conflicts (DeleteConflictException).
   */
  deleteCertificate(certificateId: string, forceDelete = false): void {
    const record = this.records.get(certificateId);
    if (!record) throw notFound(`The certificate ${certificateId} cannot be found.`);
    if (record.status === 'ACTIVE') {
      throw new AwsError('CertificateStateException', 'Certificate must be deactivated before deletion.');
    }
    const things = this.attachments.thingsOf(record.certificateArn);
    if (things.length > 0) {
      throw new AwsError('DeleteConflictException', `Things are attached to the certificate: ${things.join(', ')}`);
    }
    const policies = this.attachments.policiesOf(record.certificateArn);
    if (policies.length > 0 && !forceDelete) {
      throw new AwsError('DeleteConflictException', `Policies are attached to the certificate: ${policies.join(', ')}`);
    }
    this.records.delete(certificateId);
    this.events.emit({
      certificateId,
      certificateArn: record.certificateArn,
      kind: 'deleted',
      status: record.status,
      previousStatus: record.status,
    });
  }
}
