#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CertificateRotatorPipelineStack, PIPELINE_STACK_NAME } from '../lib/pipeline-stack.js';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

// Environment-agnostic: the ARNs it needs are built from the deploying account and region.
new CertificateRotatorPipelineStack(app, PIPELINE_STACK_NAME, {
  description:
    'AWS Labs Certificate Rotator: CI/CD pipeline (build, publish and deploy the component, deploy the backend, integration tests)',
});
