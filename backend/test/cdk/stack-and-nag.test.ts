import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SYNTHESIS_TIMEOUT_MS } from '../../../shared/test/support/timeouts.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertificateRotatorStack } from '../../lib/certificate-rotator-stack.js';
import { BUNDLE_FILE, LAMBDA_HANDLER } from '../../lib/handler-code.js';
import { expectOnlyLiveAcknowledgements } from './nag-support.js';
import { functionNamed, roleStatements, text } from './support.js';

const DEFAULT_CONTEXT = { PcaCaId: '', PcaValidityInDays: '7', PcaSigningAlgorithm: 'SHA256WITHRSA' };
const CA_ID = 'deadbeef-1111-face-2222-0123456789ab';

function appWithNag(context: Record<string, string>): App {
  const app = new App({ context });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return app;
}

describe('CertificateRotatorStack context variables', () => {
  it.each(['PcaCaId', 'PcaValidityInDays', 'PcaSigningAlgorithm'])('fails synthesis naming a missing %s and its meaning', (name) => {
    const context: Record<string, string> = { ...DEFAULT_CONTEXT };
    delete context[name];
    expect(() => new CertificateRotatorStack(new App({ context }), 'AWSLabsCertificateRotator')).toThrow(
      new RegExp(`Context variable undefined: ${name} \\(.+\\)`),
    );
  });

  it.each([
    ['PcaValidityInDays', { PcaValidityInDays: 'beta' }],
    ['PcaValidityInDays', { PcaValidityInDays: '0' }],
    ['PcaSigningAlgorithm', { PcaSigningAlgorithm: 'delta' }],
  ])('rejects an invalid %s', (name, override) => {
    const app = new App({ context: { ...DEFAULT_CONTEXT, ...override } });
    expect(() => new CertificateRotatorStack(app, 'AWSLabsCertificateRotator')).toThrow(new RegExp(`Context variable ${name} must`));
  });
});

describe.each([
  ['AWS IoT Core issues (PcaCaId empty)', DEFAULT_CONTEXT],
  ['AWS Private CA issues', { ...DEFAULT_CONTEXT, PcaCaId: CA_ID, PcaValidityInDays: '730', PcaSigningAlgorithm: 'SHA512WITHRSA' }],
])('AWSLabsCertificateRotator stack: %s', (_label, context) => {
  let app: App;
  let stack: CertificateRotatorStack;
  let template: Template;
  beforeAll(() => {
    app = appWithNag(context);
    stack = new CertificateRotatorStack(app, 'AWSLabsCertificateRotator');
    // Synthesizing the app runs the cdk-nag plugin, which throws on any unacknowledged finding.
    app.synth();
    template = Template.fromStack(stack);
  }, SYNTHESIS_TIMEOUT_MS);

  it('configures create-certificate from the context', () => {
    const create = functionNamed(template, 'AWSLabsCertificateRotatorCreateCertificate');
    const env = (create.props['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env['PCA_VALIDITY_IN_DAYS']).toBe(context.PcaValidityInDays);
    expect(env['PCA_SIGNING_ALGORITHM']).toBe(context.PcaSigningAlgorithm);
    const pcaStatements = roleStatements(template, create.roleId).filter((st) => st.actions.some((a) => a.startsWith('acm-pca:')));
    if (context.PcaCaId === '') {
      expect(env['PCA_CA_ARN']).toBe('');
      expect(pcaStatements).toEqual([]);
    } else {
      const arn = `arn:\${AWS::Partition}:acm-pca:\${AWS::Region}:\${AWS::AccountId}:certificate-authority/${CA_ID}`;
      expect(text(env['PCA_CA_ARN'])).toBe(arn);
      expect(pcaStatements).toEqual([
        { effect: 'Allow', actions: ['acm-pca:GetCertificate', 'acm-pca:IssueCertificate'], resources: [arn] },
      ]);
    }
  });

  it('leaves no cdk-nag AwsSolutions finding unacknowledged', () => {
    expect(new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack).violations).toEqual([]);
  });

  it('reports no errors or warnings as annotations', () => {
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges only findings that exist, each with a specific reason', () => {
    expectOnlyLiveAcknowledgements(stack);
  });

  it("deploys each function with its own handler's bundle, which loads", async () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: LAMBDA_HANDLER } }));
    const bundles = functions.map((f) => {
      const key = String((f['Properties'] as { Code: { S3Key: unknown } }).Code.S3Key);
      return path.join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`, BUNDLE_FILE);
    });
    expect(bundles.length).toBeGreaterThanOrEqual(4);
    expect(new Set(bundles).size).toBe(bundles.length);
    for (const bundle of bundles) {
      expect(typeof ((await import(pathToFileURL(bundle).href)) as { handler?: unknown }).handler).toBe('function');
    }
    const createKey = functionNamed(template, 'AWSLabsCertificateRotatorCreateCertificate').props['Code'] as { S3Key: string };
    const create = readFileSync(path.join(app.outdir, `asset.${createKey.S3Key.replace(/\.zip$/, '')}`, BUNDLE_FILE), 'utf8');
    // The Private CA client (its service id in its endpoint settings) only where that issuer is configured.
    expect(create.includes('"ACM PCA"')).toBe(context.PcaCaId !== '');
  });
});

describe('the cdk-nag check itself', () => {
  it('fails synthesis on an unacknowledged wildcard, so the checks above are live', () => {
    const app = appWithNag({});
    const stack = new Stack(app, 'Probe');
    new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        p: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['iot:Publish'], resources: ['*'] })] }),
      },
    });
    expect(new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName)).toEqual(['AwsSolutions-IAM5[Resource::*]']);
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });
});
