import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CertificateRotatorBackend, type CertificateRotatorBackendProps } from '../../lib/certificate-rotator-backend.js';

import { text } from './cfn-text.js';

export { text };

export const PCA_ARN = 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/deadbeef-1111-face-2222-0123456789ab';

export interface Synthesized {
  stack: Stack;
  backend: CertificateRotatorBackend;
  template: Template;
}

/**
 * One backend in its own stack and app, synthesized. The handlers are not bundled: these tests read
 * the template, and the stack tests (stack-and-nag) bundle them for real.
 */
export function synthBackend(props?: CertificateRotatorBackendProps): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'TestStack');
  const backend = new CertificateRotatorBackend(stack, 'Backend', props);
  return { stack, backend, template: Template.fromStack(stack) };
}

type Json = unknown;

export const IOT = 'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}';

export interface Statement {
  effect: string;
  actions: string[];
  resources: string[];
}

export const allow = (actions: string[], resources: string[]): Statement => ({
  effect: 'Allow',
  actions: [...actions].sort(),
  resources: [...resources].sort(),
});

const list = (v: Json): Json[] => (Array.isArray(v) ? v : [v]);

function normalise(s: Record<string, Json>): Statement {
  return {
    effect: String(s['Effect']),
    actions: list(s['Action']).map(String).sort(),
    resources: list(s['Resource']).map(text).sort(),
  };
}

/** Logical id of the one resource of `type` whose properties contain `props`. */
export function logicalIdOf(template: Template, type: string, props: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, { Properties: props }));
  if (found.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${found.length}`);
  return found[0] as string;
}

/** Every statement granted to a role: inline policies plus any AWS::IAM::Policy attached to it. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const role = template.toJSON().Resources[roleLogicalId] as {
    Properties: { Policies?: { PolicyDocument: { Statement: Record<string, Json>[] } }[] };
  };
  const inline = (role.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement);
  const attached = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, Json>[]);
  return [...inline, ...attached].map(normalise);
}

/** The role logical id and the function resource of a function, by name. */
export function functionNamed(template: Template, functionName: string): { id: string; props: Record<string, Json>; roleId: string } {
  const id = logicalIdOf(template, 'AWS::Lambda::Function', { FunctionName: functionName });
  const props = template.toJSON().Resources[id].Properties as Record<string, Json>;
  const role = props['Role'] as { 'Fn::GetAtt': [string, string] };
  return { id, props, roleId: role['Fn::GetAtt'][0] };
}

/** Sorted copy, so statement lists compare regardless of order. */
export function sortStatements(statements: Statement[]): Statement[] {
  return [...statements].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
