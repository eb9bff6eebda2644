import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from './node-version.js';

describe('nodeVersionProblem', () => {
  it('accepts Node.js 20 and later', () => {
    expect(nodeVersionProblem('20.0.0')).toBeUndefined();
    expect(nodeVersionProblem('v22.11.0')).toBeUndefined();
  });

  it('names the version needed and the version found', () => {
    expect(nodeVersionProblem('18.19.1')).toBe('aws.greengrass.labs.CertificateRotator needs Node.js 20 or later; this is Node.js 18.19.1');
    expect(nodeVersionProblem('garbage')).toContain('needs Node.js 20 or later');
  });
});
