import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CertificateRotatorStack } from './certificate-rotator-stack.js';
import { DEFAULT_NAME_PREFIX } from '../../shared/contract/index.js';

/**
 * The backend's CDK app: the stack, checked by cdk-nag's AwsSolutions pack at synthesis. The
 * `cdk` CLI runs it through bin/; the local stand-in runs the same definition in process.
 */
export function defineBackendApp(app: App): CertificateRotatorStack {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  // Environment-agnostic on purpose: one template deploys to any account and region.
  return new CertificateRotatorStack(app, DEFAULT_NAME_PREFIX, {
    description: 'AWS Labs Certificate Rotator: cloud backend for Greengrass core device certificate rotation',
  });
}
