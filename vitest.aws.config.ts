import { defineConfig } from 'vitest/config';

/**
 * `npm run test:aws`: the end-to-end suites against the real account and thing group named by the
 * environment (see integration/e2e/aws-config.ts). Unlike `npm test`, an unconfigured target fails
 * the run. Rotations on real cores take minutes each, so timeouts are in hours.
 */
export default defineConfig({
  test: {
    include: ['integration/e2e/aws.e2e.test.ts'],
    testTimeout: 3 * 3_600_000,
    hookTimeout: 3 * 3_600_000,
    // One account, one thing group: the suites change shared state (deployments, rules, the create function).
    fileParallelism: false,
    pool: 'forks',
    maxWorkers: 1,
    env: { REQUIRE_AWS_TARGET: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default', 'junit'],
    outputFile: { junit: 'reports/integration-tests.xml' },
  },
});
