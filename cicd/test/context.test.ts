import { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it, vi } from 'vitest';
import { CONTEXT_VARIABLES, PLACEHOLDER_CONNECTION_ID } from '../lib/pipeline-context.js';
import { CertificateRotatorPipelineStack } from '../lib/pipeline-stack.js';
import { CONTEXT, FEATURE_FLAGS } from './support.js';

const stackWith = (context: Record<string, unknown>): CertificateRotatorPipelineStack =>
  new CertificateRotatorPipelineStack(new App({ context: { ...FEATURE_FLAGS, ...context } }), 'AWSLabsCertificateRotatorPipeline');

describe('pipeline context variables', () => {
  it.each(Object.keys(CONTEXT_VARIABLES))('fails synthesis naming a missing %s and its meaning', (name) => {
    const context: Record<string, string> = { ...CONTEXT };
    delete context[name];
    const meaning = CONTEXT_VARIABLES[name as keyof typeof CONTEXT_VARIABLES];
    expect(() => stackWith(context)).toThrow(`Context variable undefined: ${name} (${meaning})`);
  });

  it.each([
    [
      'ConnectionId',
      'arn:aws:codeconnections:eu-west-1:123456789012:connection/feedface-3333-bead-4444-0123456789ab',
      'must be a connection ID',
    ],
    ['OwnerName', ' ', 'must not be empty'],
    ['BranchName', '', 'must not be empty'],
    ['ThingGroupName', 'my group', 'must be a thing group name'],
    ['PcaCaId', 'my-ca', 'must be empty or a certificate authority ID'],
    ['RepositoryName', 7, 'must be a string'],
  ])('rejects a malformed %s with its name and meaning', (name, value, message) => {
    expect(() => stackWith({ ...CONTEXT, [name]: value })).toThrow(new RegExp(`Context variable ${name} ${message}.*\\(.+\\)`));
  });

  // Synthesis prints the warning, as `cdk synth` does for a user; here it is caught and checked
  // instead, so that the test output holds no warning that nobody has to act on.
  it('warns when the ConnectionId is still the placeholder of cdk.context.json', { timeout: 180_000 }, () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const stack = stackWith({ ...CONTEXT, ConnectionId: PLACEHOLDER_CONNECTION_ID });
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ConnectionId is the placeholder'))).toHaveLength(1);
      expect(printed.mock.calls.flat().join('\n')).toContain('ConnectionId is the placeholder from cdk.context.json');
    } finally {
      printed.mockRestore();
    }
  });

  it('trims values and takes them as given', () => {
    const stack = stackWith({ ...CONTEXT, ThingGroupName: ` ${CONTEXT.ThingGroupName} ` });
    expect(stack.settings).toEqual(CONTEXT);
  });
});
