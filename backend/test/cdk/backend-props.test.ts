import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { resolveBackendProps, type CertificateRotatorBackendProps } from '../../lib/backend-props.js';
import { CertificateRotatorBackend } from '../../lib/certificate-rotator-backend.js';
import { PCA_ARN } from './support.js';

describe('resolveBackendProps', () => {
  it('applies the documented defaults', () => {
    expect(resolveBackendProps()).toEqual({
      issuer: 'iot',
      privateCaArn: undefined,
      pcaValidityInDays: 7,
      pcaSigningAlgorithm: 'SHA256WITHRSA',
      rollout: { maximumPerMinute: 100, baseRatePerMinute: 100, incrementFactor: 1.2, numberOfSucceededThings: 100 },
      inProgressTimeoutMinutes: 5,
      namePrefix: 'AWSLabsCertificateRotator',
      logRetention: RetentionDays.ONE_YEAR,
      logRemovalPolicy: RemovalPolicy.DESTROY,
      monitoring: { alarmThreshold: 1, alarmToNotificationTopic: false },
    });
  });

  it('chooses the Private CA issuer when a CA ARN is given', () => {
    expect(resolveBackendProps({ privateCaArn: PCA_ARN })).toMatchObject({ issuer: 'pca', privateCaArn: PCA_ARN });
    expect(resolveBackendProps({ issuer: 'pca', privateCaArn: PCA_ARN }).issuer).toBe('pca');
  });

  it('fills in rollout settings that are left out', () => {
    expect(resolveBackendProps({ rollout: { maximumPerMinute: 10 } }).rollout).toEqual({
      maximumPerMinute: 10,
      baseRatePerMinute: 100,
      incrementFactor: 1.2,
      numberOfSucceededThings: 100,
    });
  });

  it('accepts a CA ARN that is only known at deploy time', () => {
    const stack = new Stack(new App(), 'S');
    const arn = stack.formatArn({ service: 'acm-pca', resource: 'certificate-authority', resourceName: 'id' });
    expect(resolveBackendProps({ privateCaArn: arn }).issuer).toBe('pca');
  });

  it.each<[string, CertificateRotatorBackendProps]>([
    ['issuer', { issuer: 'acm' as never }],
    ['privateCaArn', { issuer: 'pca' }],
    ['issuer', { issuer: 'iot', privateCaArn: PCA_ARN }],
    ['privateCaArn', { privateCaArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }],
    ['pcaValidityInDays', { pcaValidityInDays: 0 }],
    ['pcaValidityInDays', { pcaValidityInDays: 1.5 }],
    ['pcaSigningAlgorithm', { pcaSigningAlgorithm: 'SHA1WITHRSA' as never }],
    ['pcaSigningAlgorithm', { pcaSigningAlgorithm: 'SHA256WITHRSAANDMGF1' as never }],
    ['rollout.maximumPerMinute', { rollout: { maximumPerMinute: 0 } }],
    ['rollout.maximumPerMinute', { rollout: { maximumPerMinute: 1001 } }],
    ['rollout.baseRatePerMinute', { rollout: { baseRatePerMinute: 1001 } }],
    ['rollout.incrementFactor', { rollout: { incrementFactor: 1 } }],
    ['rollout.incrementFactor', { rollout: { incrementFactor: 1.25 } }],
    ['rollout.incrementFactor', { rollout: { incrementFactor: 5.1 } }],
    ['rollout.numberOfSucceededThings', { rollout: { numberOfSucceededThings: 0 } }],
    ['inProgressTimeoutMinutes', { inProgressTimeoutMinutes: 0 }],
    ['inProgressTimeoutMinutes', { inProgressTimeoutMinutes: 10_081 }],
    ['namePrefix', { namePrefix: 'has-hyphen' }],
    ['namePrefix', { namePrefix: '' }],
    ['namePrefix', { namePrefix: 'A'.repeat(33) }],
    ['logRetention', { logRetention: 2 as RetentionDays }],
    ['monitoring.alarmThreshold', { monitoring: { alarmThreshold: 0 } }],
  ])('rejects a bad %s', (name, props) => {
    expect(() => resolveBackendProps(props)).toThrow(new RegExp(`invalid props: .*\\b${name.replace('.', '\\.')}: `));
  });

  it('makes the construct throw before creating anything', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => new CertificateRotatorBackend(stack, 'Backend', { pcaSigningAlgorithm: 'MD5WITHRSA' as never })).toThrow(
      /pcaSigningAlgorithm/,
    );
    expect(stack.node.findAll().filter((c) => c.node.path.includes('Backend'))).toHaveLength(1);
  });
});
