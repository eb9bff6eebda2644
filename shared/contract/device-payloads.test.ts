import { describe, expect, it } from 'vitest';
import { JOB_DOCUMENT } from './job-document.js';
import {
  commitCertificatePayload,
  createCertificatePayload,
  failedPayload,
  inProgressPayload,
  nextJobGetPayload,
  succeededPayload,
} from './device-payloads.js';

describe('outbound payloads are byte-exact', () => {
  it('job updates', () => {
    expect(inProgressPayload()).toBe('{"status":"IN_PROGRESS","statusDetails":{"CertificateRotator":true}}');
    expect(failedPayload('Create was rejected.')).toBe(
      '{"status":"FAILED","statusDetails":{"CertificateRotator":true,"DeviceFailureReason":"Create was rejected."}}',
    );
    expect(succeededPayload()).toBe('{"status":"SUCCEEDED"}');
  });

  it('next/get, create and commit', () => {
    expect(nextJobGetPayload()).toBe('{}');
    expect(commitCertificatePayload('job-1')).toBe('{"jobId":"job-1"}');
    const csr = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n';
    const create = createCertificatePayload('job-1', csr);
    expect(create).toBe('{"jobId":"job-1","csr":"-----BEGIN CERTIFICATE REQUEST-----\\nMIIB\\n-----END CERTIFICATE REQUEST-----\\n"}');
    expect(JSON.parse(create)).toEqual({ jobId: 'job-1', csr });
  });

  it('the job document', () => {
    expect(JOB_DOCUMENT).toBe('{"operation":"ROTATE_CERTIFICATE"}');
  });
});
