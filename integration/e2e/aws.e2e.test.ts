import { describe, expect, it, vi } from 'vitest';
import { notConfiguredMessage, readAwsTargetConfig, REGION_VARIABLE, REQUIRE_VARIABLE, THING_GROUP_VARIABLE } from './aws-config.js';
import { createAwsTarget } from './aws-target.js';
import { defineRotationSuites } from './suites.js';

// The original's integration suites against a real account and thing group, chosen by the
// environment (THING_GROUP_NAME, AWS_REGION, PCA_CA_ID, JOB_TIMEOUT_MINUTES). Without them the
// suites do not run and the configuration test below says so; with REQUIRE_AWS_TARGET=1 (the
// pipeline's `npm run test:aws`) that is a failure.
const settings = readAwsTargetConfig();
const config = settings.configured ? settings : undefined;
const required = process.env[REQUIRE_VARIABLE] === '1';

const isSet = (name: string): boolean => (process.env[name] ?? '').trim() !== '';

if (config) {
  // Real cores take minutes per rotation; a Private CA run is several rotations in one test.
  const hours = 3 * 3_600_000;
  vi.setConfig({ testTimeout: hours, hookTimeout: hours });
}

it('AWS target configuration', () => {
  if (settings.configured) {
    expect(settings.thingGroupName).toBe(process.env[THING_GROUP_VARIABLE]?.trim());
    return;
  }
  const expected = [
    ...(isSet(THING_GROUP_VARIABLE) ? [] : [THING_GROUP_VARIABLE]),
    ...(isSet(REGION_VARIABLE) || isSet('AWS_DEFAULT_REGION') ? [] : [REGION_VARIABLE]),
  ];
  expect(settings.missing).toEqual(expected);
  const message = notConfiguredMessage(settings);
  process.stderr.write(`${message}\n`);
  if (required) throw new Error(`${message}; ${REQUIRE_VARIABLE}=1 requires the AWS target`);
});

describe.runIf(config !== undefined)(
  `end to end on AWS (${config?.region ?? 'no region'}, ${config?.thingGroupName ?? 'no thing group'})`,
  () => {
    defineRotationSuites(() => (config ? createAwsTarget(config) : Promise.reject(new Error('AWS target not configured'))), {
      privateCa: config?.pcaCaId !== undefined,
    });
  },
);
