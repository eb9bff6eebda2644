import { describe, expect, it } from 'vitest';
import { P521_WITH_HSM_MESSAGE } from '../../component/src/credentials/pkcs11/index.js';
import { parseDemoOptions } from './options.js';

describe('demo options with --hsm', () => {
  it('refuses ECDSA-P521 with the PKCS#11 store message', () => {
    expect(() => parseDemoOptions(['--hsm', '--key-algorithm', 'ECDSA-P521', '--signing-algorithm', 'ECDSA-WITH-SHA512'])).toThrow(
      P521_WITH_HSM_MESSAGE,
    );
  });

  it('accepts ECDSA-P521 without --hsm, and other keys with it', () => {
    expect(parseDemoOptions(['--key-algorithm', 'ECDSA-P521', '--signing-algorithm', 'ECDSA-WITH-SHA512']).hsm).toBe(false);
    expect(parseDemoOptions(['--hsm', '--key-algorithm', 'ECDSA-P384', '--signing-algorithm', 'ECDSA-WITH-SHA384'])).toMatchObject({
      hsm: true,
      keyAlgorithm: 'ECDSA-P384',
    });
  });
});

describe('demo options: --hsm and the nucleus mode', () => {
  it('runs HSM cores inline unless process mode is asked for', () => {
    expect(parseDemoOptions(['--hsm', '--devices', '2']).nucleus).toBe('inline');
    expect(parseDemoOptions(['--hsm', '--devices', '2', '--nucleus', 'process'])).toMatchObject({ hsm: true, nucleus: 'process' });
  });
});
