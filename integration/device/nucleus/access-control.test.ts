import { describe, expect, it } from 'vitest';
import { isAuthorized, policiesFor, resourceMatches } from './access-control.js';

describe('resourceMatches in MQTT style', () => {
  it.each([
    ['$aws/things/core-1/jobs/+/get', '$aws/things/core-1/jobs/job-7/get', true],
    ['$aws/things/core-1/jobs/+/get', '$aws/things/core-1/jobs/+/get', true],
    ['$aws/things/core-1/jobs/+/get', '$aws/things/core-1/jobs/a/b/get', false],
    ['$aws/things/core-1/jobs/+/get', '$aws/things/core-1/jobs/#', false],
    ['things/#', 'things/a/b/c', true],
    ['things/#', 'things/+/x', true],
    ['things/*', 'things/a/b', true],
    ['things/*/in', 'things/a/b/in', true],
    ['things/*/in', 'things/a/b/out', false],
    ['*', '$aws/anything/#', true],
    ['literal/${*}', 'literal/*', true],
    ['literal/${*}', 'literal/x', false],
    ['a+b/c', 'a+b/c', true],
    ['a+b/c', 'axb/c', false],
    ['$aws/things/{iot:thingName}/jobs/notify-next', '$aws/things/core-1/jobs/notify-next', false],
  ])('%s covers %s: %s', (pattern, resource, expected) => {
    expect(resourceMatches(pattern, resource, 'mqtt')).toBe(expected);
  });

  it('treats + and # literally outside MQTT style', () => {
    expect(resourceMatches('things/+', 'things/a', 'standard')).toBe(false);
    expect(resourceMatches('things/+', 'things/+', 'standard')).toBe(true);
  });
});

describe('policiesFor and isAuthorized', () => {
  const configuration = {
    accessControl: {
      'aws.greengrass.ipc.mqttproxy': {
        'c:mqttproxy:1': { policyDescription: 'publish', operations: ['aws.greengrass#PublishToIoTCore'], resources: ['out/+'] },
        'c:mqttproxy:2': { operations: ['*'], resources: ['any/#'] },
      },
      'aws.greengrass.ipc.pubsub': { 'c:pubsub:1': { operations: ['*'], resources: ['*'] } },
    },
  };

  it('grants per operation and resource within one service', () => {
    const { policies } = policiesFor(configuration, 'aws.greengrass.ipc.mqttproxy');
    expect(policies.map((p) => p.policyId)).toEqual(['c:mqttproxy:1', 'c:mqttproxy:2']);
    expect(isAuthorized(policies, 'aws.greengrass#PublishToIoTCore', 'out/x', 'mqtt')).toBe(true);
    expect(isAuthorized(policies, 'aws.greengrass#SubscribeToIoTCore', 'out/x', 'mqtt')).toBe(false);
    expect(isAuthorized(policies, 'aws.greengrass#SubscribeToIoTCore', 'any/x/y', 'mqtt')).toBe(true);
  });

  it('grants nothing without accessControl, and names the field of a malformed one', () => {
    expect(policiesFor({}, 'aws.greengrass.ipc.mqttproxy')).toEqual({ policies: [] });
    const broken = policiesFor(
      { accessControl: { 'aws.greengrass.ipc.mqttproxy': { p: { resources: ['x'] } } } },
      'aws.greengrass.ipc.mqttproxy',
    );
    expect(broken.policies).toEqual([]);
    expect(broken.problem).toContain('operations');
  });
});
