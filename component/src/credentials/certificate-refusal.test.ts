import { describe, expect, it, vi } from 'vitest';

describe('CertificateRefusedError', () => {
  it('is recognised when thrown by another copy of its module, as pkcs11.cjs has beside main.cjs', async () => {
    const first = await import('./certificate-refusal.js');
    vi.resetModules();
    const second = await import('./certificate-refusal.js');
    expect(second.CertificateRefusedError).not.toBe(first.CertificateRefusedError);
    expect(new second.CertificateRefusedError('offered the installed certificate')).toBeInstanceOf(first.CertificateRefusedError);
    expect(new first.CertificateRefusedError('refused')).toBeInstanceOf(Error);
  });

  it('is not any other error', async () => {
    const { CertificateRefusedError } = await import('./certificate-refusal.js');
    const lookalike = Object.assign(new Error('refused'), { name: 'CertificateRefusedError' });
    for (const value of [new Error('refused'), lookalike, 'CertificateRefusedError', null, undefined, {}]) {
      expect(value instanceof CertificateRefusedError).toBe(false);
    }
  });
});
