import { z } from 'zod';
import { X509Certificate } from 'node:crypto';
import { AwsError } from '../../model/errors.js';
import {
  CERTIFICATE_STATUSES,
  type CertificateRecord,
  type CertificateStatus,
  certificateIdOf,
} from '../../model/registry/certificates.js';
import type { IotRegistry } from '../../model/registry/registry.js';
import { jsonBody, queryObject, type RestRoute } from '../protocols/rest-json.js';
import { epochSeconds, parseInput, queryBool, queryInt } from '../validate.js';
import { page } from './paging.js';

const certificateId = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 64-character lower-case hex certificate id');
const status = z.enum(CERTIFICATE_STATUSES);
const pem = z.string().min(1).max(65536);

const CreateFromCsr = z.object({ certificateSigningRequest: pem, setAsActive: queryBool.optional() });
const Register = z.object({
  certificatePem: pem,
  caCertificatePem: pem.optional(),
  status: status.optional(),
  setAsActive: queryBool.optional(),
});
const RegisterWithoutCa = z.object({ certificatePem: pem, status: status.optional() });
const Update = z.object({ certificateId, newStatus: status });
const Delete = z.object({ certificateId, forceDelete: queryBool.optional() });
const List = z.object({
  pageSize: queryInt.pipe(z.number().int().min(1).max(250)).optional(),
  marker: z.string().optional(),
  isAscendingOrder: queryBool.optional(),
});

const summary = (c: CertificateRecord) => ({
  certificateArn: c.certificateArn,
  certificateId: c.certificateId,
  status: c.status,
  certificateMode: c.certificateMode,
  creationDate: epochSeconds(c.creationDate),
});

const description = (c: CertificateRecord) => ({
  ...summary(c),
  ...(c.caCertificateId === undefined ? {} : { caCertificateId: c.caCertificateId }),
  certificatePem: c.certificatePem,
  ownedBy: c.ownedBy,
  lastModifiedDate: epochSeconds(c.lastModifiedDate),
  customerVersion: c.customerVersion,
  generationId: c.generationId,
  validity: { notBefore: epochSeconds(c.validity.notBefore), notAfter: epochSeconds(c.validity.notAfter) },
});

/**
 * RegisterCertificate: the certificate must be signed by the CA certificate given with it (the
 * model keeps no CA registry, so the CA's registration is not checked).
 */
function registerWithCa(registry: IotRegistry, certificatePem: string, caCertificatePem: string, status: CertificateStatus) {
  let signed = false;
  try {
    const ca = new X509Certificate(caCertificatePem);
    const certificate = new X509Certificate(certificatePem);
    signed = certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
  } catch {
    signed = false;
  }
  if (!signed) throw new AwsError('CertificateValidationException', 'The certificate is not signed by the given CA certificate');
  return registry.certificates.add(certificatePem, status, certificateIdOf(caCertificatePem));
}

/** AWS IoT certificate operations. */
export function certificateRoutes(registry: IotRegistry): RestRoute[] {
  return [
    {
      operation: 'CreateCertificateFromCsr',
      method: 'POST',
      path: '/certificates',
      handle: async (req) => {
        const input = parseInput(CreateFromCsr, { ...(jsonBody(req) as object), ...queryObject(req) });
        const cert = await registry.createCertificateFromCsr(input.certificateSigningRequest, input.setAsActive ?? false);
        return { json: { certificateArn: cert.certificateArn, certificateId: cert.certificateId, certificatePem: cert.certificatePem } };
      },
    },
    {
      operation: 'RegisterCertificate',
      method: 'POST',
      path: '/certificate/register',
      handle: async (req) => {
        const input = parseInput(Register, { ...(jsonBody(req) as object), ...queryObject(req) });
        const status = input.status ?? (input.setAsActive ? 'ACTIVE' : 'INACTIVE');
        const cert =
          input.caCertificatePem === undefined
            ? registry.registerCertificateWithoutCA(input.certificatePem, status)
            : registerWithCa(registry, input.certificatePem, input.caCertificatePem, status);
        return { json: { certificateArn: cert.certificateArn, certificateId: cert.certificateId } };
      },
    },
    {
      operation: 'RegisterCertificateWithoutCA',
      method: 'POST',
      path: '/certificate/register-no-ca',
      handle: async (req) => {
        const input = parseInput(RegisterWithoutCa, jsonBody(req));
        const cert = registry.registerCertificateWithoutCA(input.certificatePem, input.status ?? 'INACTIVE');
        return { json: { certificateArn: cert.certificateArn, certificateId: cert.certificateId } };
      },
    },
    {
      operation: 'DescribeCertificate',
      method: 'GET',
      path: '/certificates/{certificateId}',
      handle: async (req) => {
        const input = parseInput(z.object({ certificateId }), req.labels);
        return { json: { certificateDescription: description(registry.describeCertificate(input.certificateId)) } };
      },
    },
    {
      operation: 'UpdateCertificate',
      method: 'PUT',
      path: '/certificates/{certificateId}',
      handle: async (req) => {
        const input = parseInput(Update, { ...req.labels, ...queryObject(req) });
        registry.updateCertificate(input.certificateId, input.newStatus);
        return undefined;
      },
    },
    {
      operation: 'DeleteCertificate',
      method: 'DELETE',
      path: '/certificates/{certificateId}',
      handle: async (req) => {
        const input = parseInput(Delete, { ...req.labels, ...queryObject(req) });
        registry.deleteCertificate(input.certificateId, input.forceDelete ?? false);
        return undefined;
      },
    },
    {
      operation: 'ListCertificates',
      method: 'GET',
      path: '/certificates',
      handle: async (req) => {
        const input = parseInput(List, queryObject(req));
        const ascending = input.isAscendingOrder ?? false;
        const all = registry.certificates
          .listCertificates()
          .sort((a, b) => (ascending ? a.creationDate - b.creationDate : b.creationDate - a.creationDate));
        const result = page(all, input.marker, input.pageSize, 25);
        return { json: { certificates: result.items.map(summary), ...(result.next ? { nextMarker: result.next } : {}) } };
      },
    },
  ];
}
