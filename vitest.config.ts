import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,component,backend,integration,cicd,tools,bench,lint}/**/*.test.ts'],
    // Tests leave nothing behind: each file has its own TMPDIR, checked when it ends, and the run
    // fails when the work tree has files it did not have before.
    setupFiles: ['shared/test/support/private-tmpdir.setup.ts'],
    globalSetup: ['shared/test/support/work-tree.global-setup.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**', 'greengrass-build/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll is how tests wait for a condition; a loaded machine needs more than its 1 s default.
    expect: { poll: { timeout: 20_000, interval: 20 } },
    // Two cores: forks keep native addons (aws-crt, pkcs11js) isolated per test file.
    pool: 'forks',
    maxWorkers: 2,
    // The functions' EMF metric lines would fill the output; the metrics tests switch them on.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true' },
  },
});
