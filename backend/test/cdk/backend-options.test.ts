import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOB_DOCUMENT } from '../../../shared/contract/index.js';
import { functionNamed, IOT, PCA_ARN, roleStatements, synthBackend, type Synthesized } from './support.js';

const P = 'FleetRotator';

describe('CertificateRotatorBackend with a Private CA and every option set', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthBackend({
      privateCaArn: PCA_ARN,
      pcaValidityInDays: 30,
      pcaSigningAlgorithm: 'SHA384WITHECDSA',
      namePrefix: P,
      rollout: { maximumPerMinute: 20, baseRatePerMinute: 5, incrementFactor: 1.5, numberOfSucceededThings: 10 },
      inProgressTimeoutMinutes: 15,
      logRetention: RetentionDays.THREE_MONTHS,
      logRemovalPolicy: RemovalPolicy.RETAIN,
    });
  });

  it('derives the Private CA issuer from the CA ARN', () => {
    expect(s.backend.issuer).toBe('pca');
  });

  it('passes the CA, validity and signing algorithm to create-certificate', () => {
    const env = (functionNamed(s.template, `${P}CreateCertificate`).props['Environment'] as { Variables: unknown }).Variables;
    expect(env).toEqual({
      JOB_DOCUMENT,
      PCA_CA_ARN: PCA_ARN,
      PCA_VALIDITY_IN_DAYS: '30',
      PCA_SIGNING_ALGORITHM: 'SHA384WITHECDSA',
      SHADOW_NAME: P,
    });
  });

  it('grants IssueCertificate and GetCertificate on that CA only', () => {
    const statements = roleStatements(s.template, functionNamed(s.template, `${P}CreateCertificate`).roleId);
    const pca = statements.filter((st) => st.actions.some((a) => a.startsWith('acm-pca:')));
    expect(pca).toEqual([{ effect: 'Allow', actions: ['acm-pca:GetCertificate', 'acm-pca:IssueCertificate'], resources: [PCA_ARN] }]);
    // Private CA certificates are registered without their CA; AWS IoT Core does not sign here.
    const unscoped = statements.find((st) => st.resources.includes('*'));
    expect(unscoped?.actions).toContain('iot:RegisterCertificateWithoutCA');
    expect(unscoped?.actions).not.toContain('iot:CreateCertificateFromCsr');
    // No other function may use the CA.
    for (const name of ['CommitCertificate', 'JobExecutionTerminal', 'CustomResourceJobExecutionEvents']) {
      const others = roleStatements(s.template, functionNamed(s.template, `${P}${name}`).roleId);
      expect(others.flatMap((st) => st.actions).filter((a) => a.startsWith('acm-pca:'))).toEqual([]);
    }
  });

  it('names every resource with the prefix', () => {
    for (const name of ['CreateCertificate', 'CommitCertificate', 'JobExecutionTerminal', 'CustomResourceJobExecutionEvents']) {
      functionNamed(s.template, `${P}${name}`);
    }
    for (const name of ['CreateCertificate', 'CommitCertificate', 'JobExecutionTerminal']) {
      s.template.hasResourceProperties('AWS::IoT::TopicRule', { RuleName: `${P}${name}` });
    }
    s.template.hasResourceProperties('AWS::IoT::JobTemplate', { JobTemplateId: P });
    s.template.hasResourceProperties('AWS::SNS::Topic', { TopicName: `${P}Notification` });
    const commit = roleStatements(s.template, functionNamed(s.template, `${P}CommitCertificate`).roleId);
    expect(commit).toContainEqual({
      effect: 'Allow',
      actions: ['iot:GetThingShadow', 'iot:UpdateThingShadow'],
      resources: [`${IOT}:thing/*/${P}`],
    });
  });

  it('applies the rollout and timeout settings to the job template', () => {
    s.template.hasResourceProperties('AWS::IoT::JobTemplate', {
      JobExecutionsRolloutConfig: {
        MaximumPerMinute: 20,
        ExponentialRolloutRate: { BaseRatePerMinute: 5, IncrementFactor: 1.5, RateIncreaseCriteria: { NumberOfSucceededThings: 10 } },
      },
      TimeoutConfig: { InProgressTimeoutInMinutes: 15 },
    });
  });

  it('applies the log retention and removal policy to every log group', () => {
    const groups = Object.values(s.template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(5);
    for (const group of groups) {
      expect(group.Properties.RetentionInDays).toBe(90);
      expect(group.DeletionPolicy).toBe('Retain');
    }
  });
});
