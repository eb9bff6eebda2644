import { describe, expect, it } from 'vitest';
import { KEY_ALGORITHMS, SIGNING_ALGORITHMS } from './algorithms.js';
import {
  MISMATCHED_ALGORITHM_PAIRS,
  VALID_ALGORITHM_PAIRS,
  keyFamily,
  signingAlgorithmsFor,
  signingFamily,
  validateAlgorithmConfig,
} from './validate.js';

const key = (p: { keyAlgorithm: string; signingAlgorithm: string }) => `${p.keyAlgorithm}/${p.signingAlgorithm}`;

describe('algorithm families', () => {
  it('classifies keys and signatures', () => {
    expect(KEY_ALGORITHMS.map(keyFamily)).toEqual(['RSA', 'RSA', 'EC', 'EC', 'EC']);
    expect(SIGNING_ALGORITHMS.map(signingFamily)).toEqual(['RSA', 'RSA', 'RSA', 'RSA', 'RSA', 'RSA', 'EC', 'EC', 'EC']);
    expect(signingAlgorithmsFor('ECDSA-P521')).toEqual(['ECDSA-WITH-SHA256', 'ECDSA-WITH-SHA384', 'ECDSA-WITH-SHA512']);
  });

  it('lists 21 valid and 24 mismatched pairs that partition all 45', () => {
    expect(VALID_ALGORITHM_PAIRS).toHaveLength(21);
    expect(MISMATCHED_ALGORITHM_PAIRS).toHaveLength(24);
    const all = new Set([...VALID_ALGORITHM_PAIRS, ...MISMATCHED_ALGORITHM_PAIRS].map(key));
    expect(all.size).toBe(45);
    expect(VALID_ALGORITHM_PAIRS.map(key)).toContain('RSA-3072/SHA512WITHRSAANDMGF1');
    expect(MISMATCHED_ALGORITHM_PAIRS.map(key)).toContain('ECDSA-P256/SHA256WITHRSA');
  });
});

describe('validateAlgorithmConfig', () => {
  it.each(VALID_ALGORITHM_PAIRS.map((p) => [key(p), p] as const))('accepts %s', (_name, pair) => {
    expect(validateAlgorithmConfig({ ...pair, accessControl: { other: true } })).toEqual({
      valid: true,
      config: pair,
      message: 'Valid key and signing algorithm configuration',
    });
  });

  it.each(MISMATCHED_ALGORITHM_PAIRS.map((p) => [key(p), p] as const))('rejects mismatched %s', (_name, pair) => {
    const result = validateAlgorithmConfig(pair);
    expect(result.valid).toBe(false);
    expect(result.message).toMatch(/^Key algorithm and signing algorithm have mismatched types: signingAlgorithm "/);
    expect(result.message).toContain(pair.signingAlgorithm);
    expect(result.message).toContain(pair.keyAlgorithm);
  });

  it('names the field, value and allowed values of a bad key algorithm', () => {
    expect(validateAlgorithmConfig({ keyAlgorithm: 'RSA-1024', signingAlgorithm: 'SHA256WITHRSA' })).toEqual({
      valid: false,
      message: 'Invalid key algorithm: keyAlgorithm "RSA-1024" is not one of RSA-2048, RSA-3072, ECDSA-P256, ECDSA-P384, ECDSA-P521',
    });
  });

  it('checks the key algorithm before the signing algorithm', () => {
    const result = validateAlgorithmConfig({ keyAlgorithm: 'DSA', signingAlgorithm: 'MD5WITHRSA' });
    expect(result.message).toMatch(/^Invalid key algorithm: keyAlgorithm "DSA"/);
  });

  it('checks the signing algorithm before the families', () => {
    const result = validateAlgorithmConfig({ keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'sha256withrsa' });
    expect(result).toEqual({
      valid: false,
      message:
        'Invalid signing algorithm: signingAlgorithm "sha256withrsa" is not one of SHA256WITHRSA, SHA384WITHRSA, SHA512WITHRSA, ' +
        'SHA256WITHRSAANDMGF1, SHA384WITHRSAANDMGF1, SHA512WITHRSAANDMGF1, ECDSA-WITH-SHA256, ECDSA-WITH-SHA384, ECDSA-WITH-SHA512',
    });
  });

  it('lists the compatible signing algorithms of a mismatch', () => {
    expect(validateAlgorithmConfig({ keyAlgorithm: 'ECDSA-P384', signingAlgorithm: 'SHA256WITHRSA' }).message).toBe(
      'Key algorithm and signing algorithm have mismatched types: signingAlgorithm "SHA256WITHRSA" is not one of ' +
        'ECDSA-WITH-SHA256, ECDSA-WITH-SHA384, ECDSA-WITH-SHA512 (the ones that suit keyAlgorithm "ECDSA-P384")',
    );
  });

  it('fills missing keys with the defaults', () => {
    expect(validateAlgorithmConfig({})).toMatchObject({
      valid: true,
      config: { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' },
    });
    expect(validateAlgorithmConfig(undefined)).toMatchObject({ valid: true });
    expect(validateAlgorithmConfig({ signingAlgorithm: 'SHA512WITHRSAANDMGF1' })).toMatchObject({
      valid: true,
      config: { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA512WITHRSAANDMGF1' },
    });
    // The default signing algorithm is RSA, so an EC key alone is a mismatch, as in the original.
    expect(validateAlgorithmConfig({ keyAlgorithm: 'ECDSA-P256' }).message).toMatch(/^Key algorithm and signing algorithm/);
  });

  it('rejects values of the wrong type and non-object configurations', () => {
    expect(validateAlgorithmConfig({ keyAlgorithm: 2048 }).message).toMatch(/^Invalid key algorithm: keyAlgorithm 2048 is not/);
    expect(validateAlgorithmConfig({ keyAlgorithm: null }).message).toMatch(/^Invalid key algorithm: keyAlgorithm null is not/);
    expect(validateAlgorithmConfig({ signingAlgorithm: ['SHA256WITHRSA'] }).message).toMatch(
      /^Invalid signing algorithm: signingAlgorithm \["SHA256WITHRSA"\] is not/,
    );
    expect(validateAlgorithmConfig('RSA-2048')).toEqual({
      valid: false,
      message: 'Invalid configuration: expected an object with keyAlgorithm and signingAlgorithm, got "RSA-2048"',
    });
    expect(validateAlgorithmConfig([1]).valid).toBe(false);
  });
});
