#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CertificateRotatorStack } from '../lib/certificate-rotator-stack.js';
import { DEFAULT_NAME_PREFIX } from '../../shared/contract/index.js';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

// Environment-agnostic on purpose: one template deploys to any account and region.
new CertificateRotatorStack(app, DEFAULT_NAME_PREFIX, {
  description: 'AWS Labs Certificate Rotator: cloud backend for Greengrass core device certificate rotation',
});
