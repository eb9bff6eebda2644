import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { awsCrtBindingSource, nativeAddonsPlugin, pkcs11AddonSource } from './native-addons.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const nodeModules = path.join(projectRoot, 'node_modules');
const work = mkdtempSync(path.join(tmpdir(), 'native-addons-'));
const requireFrom = createRequire(import.meta.url);
// The loaders run where the bundle runs; this machine's directory name, as aws-crt computes it.
const platformDir = `${process.platform}-${process.arch}-glibc`;

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes a loader as if it were the bundle, in `dir`, and requires it. */
function loadFrom(dir: string, name: string, source: string): unknown {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, source);
  return requireFrom(file);
}

describe('native addon loaders', () => {
  it('load aws-crt and pkcs11js from native/<platform>/ beside the bundle', () => {
    const dir = path.join(work, 'shipped');
    mkdirSync(path.join(dir, 'native', platformDir), { recursive: true });
    copyFileSync(
      path.join(nodeModules, 'aws-crt', 'dist', 'bin', platformDir, 'aws-crt-nodejs.node'),
      path.join(dir, 'native', platformDir, 'aws-crt-nodejs.node'),
    );
    copyFileSync(
      path.join(nodeModules, 'pkcs11js', 'build', 'Release', 'pkcs11.node'),
      path.join(dir, 'native', platformDir, 'pkcs11.node'),
    );
    const crt = loadFrom(dir, 'crt.cjs', awsCrtBindingSource()) as { default: Record<string, unknown>; cRuntime: string };
    expect(typeof crt.default.error_code_to_string).toBe('function');
    expect(crt.cRuntime).toBe('glibc');
    const pkcs11 = loadFrom(dir, 'pkcs11.cjs', pkcs11AddonSource()) as {
      PKCS11: unknown;
    };
    expect(typeof pkcs11.PKCS11).toBe('function');
  });

  it('say which platform lacks PKCS#11 support', () => {
    expect(() => loadFrom(path.join(work, 'bare'), 'pkcs11.cjs', pkcs11AddonSource())).toThrow(
      `PKCS#11 support is not built into this artifact for ${platformDir} (this artifact ships it for linux-x64-glibc)`,
    );
  });
});

describe('nativeAddonsPlugin', () => {
  it('fails the build on a native addon it has no loader for', async () => {
    const entry = path.join(work, 'entry.js');
    writeFileSync(entry, 'module.exports = require("./other.node");\n');
    await expect(
      build({ entryPoints: [entry], bundle: true, platform: 'node', write: false, logLevel: 'silent', plugins: [nativeAddonsPlugin()] }),
    ).rejects.toThrow('Native addon ./other.node');
  });
});
