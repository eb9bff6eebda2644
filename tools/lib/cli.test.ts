import { describe, expect, it } from 'vitest';
import { clientConfig, describeAwsError } from './cli.js';

describe('CLI helpers', () => {
  it('passes only the flags given to the SDK, leaving the rest to the standard chain', () => {
    expect(clientConfig({})).toEqual({});
    expect(clientConfig({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1234' })).toEqual({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:1234',
    });
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
