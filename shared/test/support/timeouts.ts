/**
 * Room for a CDK synthesis, which bundles every function with esbuild: on a busy 2-core machine
 * one has taken longer than the two minutes vitest.config.ts gives a hook.
 */
export const SYNTHESIS_TIMEOUT_MS = 300_000;
