import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../shared/cli/command-line.js';
import { clientConfig, describeAwsError } from './cli.js';

describe('CLI helpers', () => {
  it('passes only the flags given to the SDK, leaving the rest to the standard chain', () => {
    expect(clientConfig({}, {})).toEqual({});
    expect(clientConfig({ region: 'eu-west-1', endpoint: 'https://127.0.0.1:1234' }, {})).toEqual({
      region: 'eu-west-1',
      endpoint: 'https://127.0.0.1:1234',
    });
  });

  it('trusts the certificates of --ca-bundle, or of AWS_CA_BUNDLE, through its own HTTPS agent', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ca-bundle-'));
    try {
      const file = path.join(dir, 'root.pem');
      await writeFile(file, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      const flagged = clientConfig({ caBundle: file }, {});
      expect(flagged.requestHandler?.httpsAgent).toBeInstanceOf(Agent);
      expect(flagged.requestHandler?.httpsAgent.options.ca).toContain('BEGIN CERTIFICATE');
      expect(clientConfig({}, { AWS_CA_BUNDLE: file }).requestHandler?.httpsAgent.options.ca).toContain('BEGIN CERTIFICATE');
      expect(() => clientConfig({ caBundle: path.join(dir, 'missing.pem') }, {})).toThrow(UsageError);
      expect(() => clientConfig({}, { AWS_CA_BUNDLE: path.join(dir, 'missing.pem') })).toThrow(
        /--ca-bundle: cannot read .*missing\.pem \(ENOENT\)/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('turns missing region and credentials into advice', () => {
    expect(describeAwsError(new Error('Region is missing'))).toBe('No AWS region: pass --region or set AWS_REGION');
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(describeAwsError(noCredentials)).toMatch(/^No AWS credentials: set AWS_PROFILE/);
  });

  it('names an AWS error by its type and message', () => {
    const error = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    expect(describeAwsError(error)).toBe('ThrottlingException: Rate exceeded');
    expect(describeAwsError('plain')).toBe('plain');
  });
});
