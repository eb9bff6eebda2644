import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,component,backend,integration,cicd,tools,bench,lint}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**', 'greengrass-build/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: forks keep native addons (aws-crt, pkcs11js) isolated per test file.
    pool: 'forks',
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
