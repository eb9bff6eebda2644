import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CertificateRotatorPipelineStack, PIPELINE_STACK_NAME } from '../lib/pipeline-stack.js';

import { text } from '../../backend/test/cdk/cfn-text.js';

export { text };

export const CONTEXT = {
  ConnectionId: 'feedface-3333-bead-4444-0123456789ab',
  OwnerName: 'example-owner',
  RepositoryName: 'certificate-rotator',
  BranchName: 'release',
  ThingGroupName: 'CertificateRotatorTestCores',
  PcaCaId: 'deadbeef-1111-face-2222-0123456789ab',
};

/** The feature flags of cicd/cdk.json, so that tests synthesize what `cdk synth` does. */
export const FEATURE_FLAGS: Record<string, unknown> = Object.fromEntries(
  Object.entries(
    (JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context,
  ).filter(([key]) => key.startsWith('@aws-cdk')),
);

export interface Synthesized {
  app: App;
  stack: CertificateRotatorPipelineStack;
  template: Template;
}

/** The pipeline stack as bin/cicd.ts builds it (cdk-nag plugin included), synthesized. */
export function synthPipeline(context: Record<string, string> = CONTEXT): Synthesized {
  const app = new App({ context: { ...FEATURE_FLAGS, ...context } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const stack = new CertificateRotatorPipelineStack(app, PIPELINE_STACK_NAME);
  // Synthesizing the app runs the cdk-nag plugin, which throws on any unacknowledged finding.
  app.synth();
  return { app, stack, template: Template.fromStack(stack) };
}

type Json = unknown;

export interface Statement {
  effect: string;
  actions: string[];
  resources: string[];
}

const list = (v: Json): Json[] => (Array.isArray(v) ? v : [v]);

/** Every statement of every policy attached to the role with this logical id. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => list((p['Properties'] as Record<string, Json>)['Roles']).some((r) => text(r) === `\${${roleLogicalId}}`))
    .flatMap((p) => list(((p['Properties'] as Record<string, Json>)['PolicyDocument'] as Record<string, Json>)['Statement']))
    .map((s) => {
      const st = s as Record<string, Json>;
      return { effect: String(st['Effect']), actions: list(st['Action']).map(String), resources: list(st['Resource']).map(text) };
    });
}

/** Logical id of the service role of the CodeBuild project with this name. */
export function projectRole(template: Template, projectName: string): string {
  const [project] = Object.values(template.findResources('AWS::CodeBuild::Project', { Properties: { Name: projectName } }));
  if (!project) throw new Error(`no project ${projectName}`);
  return text((project['Properties'] as Record<string, Json>)['ServiceRole']).replace(/^\$\{(.+)\.Arn\}$/, '$1');
}

/** Actions a role may perform on a resource matching `resource` (exact text). */
export function actionsOn(statements: Statement[], resource: string): string[] {
  return statements
    .filter((s) => s.effect === 'Allow' && s.resources.includes(resource))
    .flatMap((s) => s.actions)
    .sort();
}

export const ARN = (service: string): string => `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}`;
