import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AdmZip from 'adm-zip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPONENT_NAME, publishTopicPatterns, subscriptionTopicPatterns } from '../../shared/contract/index.js';
import { buildComponent, escapeNonAscii, type BuildResult } from './gdk-build.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMPONENT = COMPONENT_NAME;

interface Recipe {
  ComponentName: string;
  ComponentVersion: string;
  ComponentPublisher: string;
  RecipeFormatVersion: string;
  ComponentDependencies: Record<string, { VersionRequirement: string; DependencyType: string }>;
  ComponentConfiguration: { DefaultConfiguration: Record<string, unknown> };
  Manifests: {
    Platform: { os: string };
    Lifecycle: Record<string, { Script: string; RequiresPrivilege?: boolean }>;
    Artifacts: { Uri: string; Unarchive: string; Permission: { Read: string } }[];
  }[];
}

let work: string;
let result: BuildResult;
let recipe: Recipe;
let unzipped: string;

/** Runs the unzipped bundle with a clean environment: nothing from Greengrass. */
function runBundle(cwd: string, env: Record<string, string> = {}) {
  const child = spawnSync(process.execPath, [path.join(unzipped, 'main.cjs')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: child.status, stderr: child.stderr, stdout: child.stdout };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'gdk-build-'));
  result = await buildComponent({ projectRoot, outDir: path.join(work, 'greengrass-build'), version: '1.3.7' });
  recipe = parse(readFileSync(result.recipePath, 'utf8')) as Recipe;
  unzipped = path.join(work, 'unzipped');
  new AdmZip(result.artifactPath).extractAllTo(unzipped);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('component build', () => {
  it('writes the recipe and the zip where GDK publishes them from', () => {
    expect(result.recipePath).toBe(path.join(work, 'greengrass-build', 'recipes', 'recipe.yaml'));
    expect(result.artifactPath).toBe(path.join(work, 'greengrass-build', 'artifacts', COMPONENT, '1.3.7', 'certificate-rotator.zip'));
    expect(result.artifactBytes).toBeGreaterThan(0);
  });

  it('zips the bundle, the three aws-crt binaries and the Windows scripts', () => {
    const entries = new AdmZip(result.artifactPath).getEntries().map((entry) => entry.entryName);
    expect(entries).toEqual(
      expect.arrayContaining([
        'main.cjs',
        'native/linux-x64-glibc/aws-crt-nodejs.node',
        'native/linux-arm64-glibc/aws-crt-nodejs.node',
        'native/win32-x64-cruntime/aws-crt-nodejs.node',
        'scripts/run.cmd',
        'scripts/install.cmd',
      ]),
    );
    expect(entries.filter((entry) => entry.endsWith('.js') || entry.endsWith('.cjs')).sort()).toEqual([
      'csr.cjs',
      'main.cjs',
      'pkcs11.cjs',
    ]);
  });

  it('ships the bundles ASCII-only, so V8 holds their source at one byte a character', () => {
    for (const name of ['main.cjs', 'csr.cjs', 'pkcs11.cjs']) {
      const bundle = new AdmZip(result.artifactPath).readFile(name)!;
      expect(
        bundle.findIndex((byte) => byte > 0x7f),
        name,
      ).toBe(-1);
    }
    expect(escapeNonAscii('// a \u2014 b, \u00e9')).toBe('// a \\u2014 b, \\u00e9');
  });

  it("fills name, version and publisher and keeps GDK's artifact URI form", () => {
    expect(recipe.RecipeFormatVersion).toBe('2020-01-25');
    expect(recipe.ComponentName).toBe(COMPONENT);
    expect(recipe.ComponentVersion).toBe('1.3.7');
    expect(recipe.ComponentPublisher).toBe('Amazon');
    expect(recipe.ComponentDependencies['aws.greengrass.Nucleus']).toEqual({
      VersionRequirement: '>=2.6.0',
      DependencyType: 'SOFT',
    });
    expect(recipe.Manifests.map((m) => m.Platform.os)).toEqual(['linux', 'windows']);
    for (const manifest of recipe.Manifests) {
      expect(manifest.Artifacts).toEqual([
        {
          Uri: 's3://BUCKET_NAME/COMPONENT_NAME/COMPONENT_VERSION/certificate-rotator.zip',
          Unarchive: 'ZIP',
          Permission: { Read: 'ALL' },
        },
      ]);
      expect(manifest.Lifecycle.Run?.RequiresPrivilege).toBe(true);
    }
  });

  it("grants exactly the original's IPC MQTT access, scoped by {iot:thingName}", () => {
    const defaults = recipe.ComponentConfiguration.DefaultConfiguration;
    expect(defaults.keyAlgorithm).toBe('RSA-2048');
    expect(defaults.signingAlgorithm).toBe('SHA256WITHRSA');
    const policies = (defaults.accessControl as Record<string, Record<string, { operations: string[]; resources: string[] }>>)[
      'aws.greengrass.ipc.mqttproxy'
    ]!;
    const thing = '{iot:thingName}';
    expect(policies[`${COMPONENT}:mqttproxy:1`]).toMatchObject({
      operations: ['aws.greengrass#PublishToIoTCore'],
      resources: publishTopicPatterns(thing),
    });
    expect(policies[`${COMPONENT}:mqttproxy:2`]).toMatchObject({
      operations: ['aws.greengrass#SubscribeToIoTCore'],
      resources: subscriptionTopicPatterns(thing),
    });
  });

  it('restarts Greengrass on exit 0 only: systemctl on Linux, the rebooting run.cmd on Windows', () => {
    const [linux, windows] = recipe.Manifests;
    expect(linux!.Lifecycle.Run!.Script).toContain(
      'node --max-semi-space-size=1 {artifacts:decompressedPath}/certificate-rotator/main.cjs',
    );
    expect(linux!.Lifecycle.Run!.Script).toMatch(
      /if \[ \$EC -eq 0 \]; then[\s\S]*sudo systemctl restart greengrass\.service[\s\S]*fi\nexit \$EC$/,
    );
    expect(windows!.Lifecycle.Run!.Script).toBe('{artifacts:decompressedPath}\\certificate-rotator\\scripts\\run.cmd');
    const runCmd = new AdmZip(result.artifactPath).readAsText('scripts/run.cmd');
    expect(runCmd).toMatch(/IF %EC% EQU 0 \(\r\n\s+echo Rebooting the device \.\.\.\r\n\s+shutdown \/r\r\n\)/);
    expect(runCmd).toContain('node --max-semi-space-size=1 "%~dp0..\\main.cjs"');
  });
});

describe('the bundle from the unzipped artifact', () => {
  it('leaves the CSR builder to csr.cjs and the PKCS#11 store to pkcs11.cjs, which main.cjs requires when it needs them', () => {
    const main = readFileSync(path.join(unzipped, 'main.cjs'), 'utf8');
    expect(main).toContain('require("./csr.cjs")');
    expect(main).not.toContain('Pkcs10CertificateRequestGenerator');
    expect(main).toContain('require("./pkcs11.cjs")');
    expect(main).not.toContain('graphene');
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `const csr = require(${JSON.stringify(path.join(unzipped, 'csr.cjs'))}); console.log(typeof csr.createKeyAndCsr, typeof csr.buildCsr)`,
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(child.stdout.trim()).toBe('function function');
  });

  it('exits non-zero with a clear message outside Greengrass', () => {
    const run = runBundle(unzipped);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stderr.trim())).toMatchObject({
      level: 'ERROR',
      message: 'The certificate rotator could not start',
      error: expect.stringContaining('Cannot find the Greengrass root'),
    });
  });

  it('loads the native AWS CRT module it ships, then refuses to run without the IPC socket', () => {
    const root = path.join(work, 'greengrass');
    const cwd = path.join(root, 'work', COMPONENT);
    mkdirSync(cwd, { recursive: true });
    mkdirSync(path.join(root, 'config'), { recursive: true });
    writeFileSync(
      path.join(root, 'config', 'effectiveConfig.yaml'),
      `system:\n  certificateFilePath: ${root}/thingCert.crt\n  privateKeyPath: ${root}/privKey.key\n  thingName: core-1\n`,
    );
    const run = runBundle(cwd, { AWS_IOT_THING_NAME: 'core-1' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT is not set');
    expect(run.stdout).toContain('"credentialMode":"file"');
  });

  it('names the platform when the artifact has no AWS CRT binary for it', () => {
    const copy = path.join(work, 'without-native');
    new AdmZip(result.artifactPath).extractAllTo(copy);
    rmSync(path.join(copy, 'native', 'linux-x64-glibc', 'aws-crt-nodejs.node'));
    const child = spawnSync(process.execPath, [path.join(copy, 'main.cjs')], {
      cwd: copy,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(child.status).toBe(1);
    expect(child.stderr).toContain(
      `could not load: The AWS CRT native module is not available for ${process.platform}-${process.arch}-glibc`,
    );
  });

  it('checks the Node.js version before loading anything else', () => {
    const bare = path.join(work, 'bundle-only');
    mkdirSync(bare, { recursive: true });
    writeFileSync(path.join(bare, 'main.cjs'), new AdmZip(result.artifactPath).readFile('main.cjs')!);
    // Pretends to be Node.js 18; with no native binaries beside it, loading them would fail first.
    const preload = path.join(work, 'pretend-node-18.cjs');
    writeFileSync(preload, "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '18.20.4' } });\n");
    const child = spawnSync(process.execPath, ['--require', preload, path.join(bare, 'main.cjs')], {
      cwd: bare,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(child.status).toBe(1);
    expect(child.stderr).toBe('aws.greengrass.labs.CertificateRotator needs Node.js 20 or later; this is Node.js 18.20.4\n');
  });
});

describe('the Linux Install step', () => {
  const install = () => recipe.Manifests[0]!.Lifecycle.Install!.Script;
  const runInstall = (pathVariable: string) => spawnSync('/bin/sh', ['-c', install()], { env: { PATH: pathVariable }, encoding: 'utf8' });

  it('passes with this Node.js', () => {
    const run = runInstall(path.dirname(process.execPath));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Using Node.js ${process.version}`);
  });

  it('fails naming the version needed when node is too old', () => {
    const bin = path.join(work, 'old-node');
    mkdirSync(bin, { recursive: true });
    // Answers like Node.js 18: `node --version` prints it, `node -e <check>` fails the check.
    writeFileSync(path.join(bin, 'node'), '#!/bin/sh\nif [ "$1" = "--version" ]; then echo v18.19.0; exit 0; fi\nexit 1\n');
    chmodSync(path.join(bin, 'node'), 0o755);
    const run = runInstall(bin);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('needs Node.js 20 or later; this device has v18.19.0');
  });

  it('fails naming the version needed when node is missing', () => {
    const run = runInstall(path.join(work, 'empty-path'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('needs Node.js 20 or later, but node was not found on the PATH');
  });
});
