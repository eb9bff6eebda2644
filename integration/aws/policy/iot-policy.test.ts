import { describe, expect, it } from 'vitest';
import { evaluatePolicies, parsePolicyDocument, wildcardMatch } from './iot-policy.js';
import { PublishRateLimiter } from './publish-rate.js';

const ARN = 'arn:aws:iot:us-east-1:123456789012';
const context = { clientId: 'core-1', certificateId: 'c'.repeat(64), thingName: 'core-1' };

describe('AWS IoT policy evaluation', () => {
  const policy = parsePolicyDocument(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: `${ARN}:topic/things/\${iot:Connection.Thing.ThingName}/*` },
        { Effect: 'Deny', Action: 'iot:Publish', Resource: `${ARN}:topic/things/*/secret` },
        { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` },
        { Effect: 'Allow', Action: 'iot:Sub*', Resource: `${ARN}:topicfilter/things/\${iot:ClientId}/?` },
      ],
    }),
  );

  it.each([
    ['iot:Publish', 'topic/things/core-1/data', 'allow'],
    ['iot:Publish', 'topic/things/core-2/data', 'implicit-deny'],
    ['iot:Publish', 'topic/things/core-1/secret', 'explicit-deny'],
    ['iot:Receive', 'topic/things/core-1/secret', 'allow'],
    ['iot:Connect', 'client/core-1', 'allow'],
    ['iot:Connect', 'client/core-2', 'implicit-deny'],
    ['iot:Subscribe', 'topicfilter/things/core-1/a', 'allow'],
    ['iot:Subscribe', 'topicfilter/things/core-1/ab', 'implicit-deny'],
  ] as const)('%s on %s: %s', (action, resource, decision) => {
    expect(evaluatePolicies(policy, action, `${ARN}:${resource}`, context)).toBe(decision);
  });

  it('grants nothing through a thing variable that does not resolve', () => {
    const { thingName: _thing, ...unattached } = context;
    expect(evaluatePolicies(policy, 'iot:Publish', `${ARN}:topic/things/core-1/data`, unattached)).toBe('implicit-deny');
    expect(evaluatePolicies(policy, 'iot:Connect', `${ARN}:client/core-1`, unattached)).toBe('implicit-deny');
  });

  it('matches wildcards as IAM does, and $ literally', () => {
    expect(wildcardMatch('a/*/c', 'a/b/x/c')).toBe(true);
    expect(wildcardMatch('$aws/things/+/x', '$aws/things/+/x')).toBe(true);
    expect(wildcardMatch('$aws/*', 'aws/x')).toBe(false);
  });

  it('refuses a document without statements, naming the field', () => {
    expect(() => parsePolicyDocument('{"Version":"2012-10-17"}')).toThrow(/Statement/);
  });
});

describe("AWS IoT's per-connection publish quota", () => {
  it('lets 100 publishes a second through and throttles the rest, per connection', () => {
    let now = 0;
    const limiter = new PublishRateLimiter(100, () => now);
    const flooding = {};
    const quiet = {};
    const passed = Array.from({ length: 150 }, () => limiter.take(flooding)).filter(Boolean).length;
    expect(passed).toBe(100);
    expect(limiter.take(quiet)).toBe(true);
    now += 500;
    expect(Array.from({ length: 80 }, () => limiter.take(flooding)).filter(Boolean).length).toBe(50);
    expect(limiter.throttled).toBe(80);
  });
});
