import { describe, expect, it } from 'vitest';
import { isDevicePublishable } from './broker-authorization.js';

describe('reserved topics a device may publish on', () => {
  it.each([
    '$aws/things/core-1/jobs/get',
    '$aws/things/core-1/jobs/start-next',
    '$aws/things/core-1/jobs/$next/get',
    '$aws/things/core-1/jobs/job-7/update',
    // Greengrass deployments are jobs in their own namespace.
    '$aws/things/core-1/jobs/$next/namespace-aws-gg-deployment/get',
    '$aws/things/core-1/jobs/job-7/namespace-aws-gg-deployment/update',
    '$aws/things/core-1/jobs/namespace-aws-gg-deployment/get',
    '$aws/things/core-1/shadow/name/rotation/update',
    '$aws/things/core-1/greengrassv2/health/json',
    'awslabs/things/core-1/certificate/create',
  ])('allows %s', (topic) => {
    expect(isDevicePublishable(topic)).toBe(true);
  });

  it.each([
    '$aws/things/core-1/jobs/notify-next',
    '$aws/things/core-1/jobs/notify-namespace-aws-gg-deployment',
    '$aws/things/core-1/jobs/job-7/update/accepted',
    '$aws/things/core-1/jobs/job-7/namespace-aws-gg-deployment/update/accepted',
    '$aws/things/core-1/shadow/update/accepted',
    '$aws/events/job/job-7/completed',
  ])('refuses %s, which only AWS IoT publishes', (topic) => {
    expect(isDevicePublishable(topic)).toBe(false);
  });
});
