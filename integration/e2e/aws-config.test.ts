import { describe, expect, it } from 'vitest';
import { notConfiguredMessage, readAwsTargetConfig } from './aws-config.js';
import { CA_ARN, CA_ID, CONFIG, GROUP, REGION } from './aws-sdk-stubs.js';

describe('readAwsTargetConfig', () => {
  it('names every missing variable', () => {
    expect(readAwsTargetConfig({})).toEqual({ configured: false, missing: ['THING_GROUP_NAME', 'AWS_REGION'] });
    expect(readAwsTargetConfig({ AWS_REGION: 'eu-west-1', THING_GROUP_NAME: '  ' })).toEqual({
      configured: false,
      missing: ['THING_GROUP_NAME'],
    });
    expect(readAwsTargetConfig({ THING_GROUP_NAME: GROUP, PCA_CA_ID: CA_ID })).toEqual({ configured: false, missing: ['AWS_REGION'] });
  });

  it('says which variables to set', () => {
    const result = readAwsTargetConfig({ AWS_REGION: REGION });
    expect(result.configured).toBe(false);
    if (!result.configured) expect(notConfiguredMessage(result)).toMatch(/^AWS target not configured: set THING_GROUP_NAME \(/);
  });

  it('takes the region from AWS_DEFAULT_REGION, treats an empty PCA_CA_ID as none, and defaults the job timeout', () => {
    expect(readAwsTargetConfig({ AWS_DEFAULT_REGION: 'us-gov-west-1', THING_GROUP_NAME: GROUP, PCA_CA_ID: '' })).toEqual({
      configured: true,
      region: 'us-gov-west-1',
      thingGroupName: GROUP,
      jobTimeoutMinutes: 15,
    });
  });

  it('prefers AWS_REGION and reads PCA_CA_ID and JOB_TIMEOUT_MINUTES', () => {
    const env = {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: 'us-east-1',
      THING_GROUP_NAME: GROUP,
      PCA_CA_ID: CA_ID,
      JOB_TIMEOUT_MINUTES: '45',
    };
    expect(readAwsTargetConfig(env)).toEqual({ ...CONFIG, jobTimeoutMinutes: 45 });
  });

  it('refuses malformed values, naming the variable', () => {
    expect(() => readAwsTargetConfig({ AWS_REGION: REGION, THING_GROUP_NAME: 'no spaces allowed' })).toThrow(
      /THING_GROUP_NAME must be a thing group name/,
    );
    expect(() => readAwsTargetConfig({ AWS_REGION: 'Ireland', THING_GROUP_NAME: GROUP })).toThrow(/AWS_REGION must be an AWS region/);
    expect(() => readAwsTargetConfig({ AWS_REGION: REGION, THING_GROUP_NAME: GROUP, JOB_TIMEOUT_MINUTES: '-3' })).toThrow(
      /JOB_TIMEOUT_MINUTES/,
    );
    expect(() => readAwsTargetConfig({ AWS_REGION: REGION, THING_GROUP_NAME: GROUP, PCA_CA_ID: CA_ARN })).toThrow(
      /PCA_CA_ID must be the id/,
    );
  });
});
