import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  credentialMode,
  effectiveConfigFilePath,
  greengrassRootFromCwd,
  loadEffectiveConfig,
  resolveEffectiveConfig,
  type EffectiveConfigSources,
} from './effective-config.js';

const CONFIG = `
system:
  certificateFilePath: "/greengrass/v2/thingCert.crt"
  privateKeyPath: "/greengrass/v2/privKey.key"
  rootCaPath: "/greengrass/v2/rootCA.pem"
  rootpath: "/greengrass/v2"
  thingName: "FromConfig"
services:
  aws.greengrass.Nucleus:
    configuration:
      awsRegion: "us-east-1"
`;

function sources(overrides: Partial<EffectiveConfigSources> & { files?: Record<string, string> } = {}): EffectiveConfigSources {
  const files = overrides.files ?? { '/greengrass/v2/config/effectiveConfig.yaml': CONFIG };
  return {
    cwd: '/greengrass/v2/work/aws.greengrass.labs.CertificateRotator',
    env: { AWS_IOT_THING_NAME: 'FromEnv' },
    platform: 'linux',
    readFile: (filePath) => {
      const text = files[filePath];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${filePath}'`);
      return text;
    },
    ...overrides,
  };
}

describe('greengrassRootFromCwd', () => {
  it.each([
    ['/greengrass/v2/work/aws.greengrass.labs.CertificateRotator', 'linux', '/greengrass/v2'],
    ['/greengrass/v2/work', 'linux', '/greengrass/v2'],
    ['rocinante/work', 'linux', 'rocinante'],
    ['/work/component', 'linux', '/'],
    // Roots that themselves contain "work" (the original's substring cut fails on these).
    ['/work/main/.demo/core-1/work/aws.greengrass.labs.CertificateRotator', 'linux', '/work/main/.demo/core-1'],
    ['/workspace/gg/work/comp', 'linux', '/workspace/gg'],
    ['C:\\greengrass\\v2\\work\\aws.greengrass.labs.CertificateRotator', 'win32', 'C:\\greengrass\\v2'],
    ['C:\\greengrass\\v2\\WORK\\comp', 'win32', 'C:\\greengrass\\v2'],
  ] as const)('%s (%s) -> %s', (cwd, platform, root) => {
    expect(greengrassRootFromCwd(cwd, platform)).toBe(root);
  });

  it('refuses a working directory without a work segment', () => {
    expect(() => greengrassRootFromCwd('/opt/component', 'linux')).toThrow(/\/opt\/component has no "work" segment/);
  });

  it('puts the configuration file under config/', () => {
    expect(effectiveConfigFilePath('C:\\greengrass\\v2', 'win32')).toBe('C:\\greengrass\\v2\\config\\effectiveConfig.yaml');
    expect(effectiveConfigFilePath('/', 'linux')).toBe('/config/effectiveConfig.yaml');
  });
});

describe('resolveEffectiveConfig', () => {
  it('reads the credential paths and takes the thing name from the environment', () => {
    expect(resolveEffectiveConfig(sources())).toEqual({
      rootPath: '/greengrass/v2',
      certificateFilePath: '/greengrass/v2/thingCert.crt',
      privateKeyPath: '/greengrass/v2/privKey.key',
      rootCaPath: '/greengrass/v2/rootCA.pem',
      thingName: 'FromEnv',
    });
  });

  it('falls back to system.thingName', () => {
    expect(resolveEffectiveConfig(sources({ env: {} })).thingName).toBe('FromConfig');
    expect(resolveEffectiveConfig(sources({ env: { AWS_IOT_THING_NAME: '' } })).thingName).toBe('FromConfig');
  });

  it('reads Windows paths', () => {
    const config = resolveEffectiveConfig(
      sources({
        cwd: 'C:\\greengrass\\v2\\work\\aws.greengrass.labs.CertificateRotator',
        platform: 'win32',
        files: { 'C:\\greengrass\\v2\\config\\effectiveConfig.yaml': 'system:\n  certificateFilePath: a\n  privateKeyPath: b\n' },
      }),
    );
    expect(config).toEqual({ rootPath: 'C:\\greengrass\\v2', certificateFilePath: 'a', privateKeyPath: 'b', thingName: 'FromEnv' });
  });

  it('names the file when it cannot be read or parsed', () => {
    expect(() => resolveEffectiveConfig(sources({ files: {} }))).toThrow(
      /Cannot read the Greengrass effective configuration \/greengrass\/v2\/config\/effectiveConfig.yaml: ENOENT/,
    );
    expect(() => resolveEffectiveConfig(sources({ files: { '/greengrass/v2/config/effectiveConfig.yaml': 'system: [unclosed' } }))).toThrow(
      /Cannot read the Greengrass effective configuration \/greengrass\/v2\/config\/effectiveConfig.yaml/,
    );
  });

  it('names the file and the key that is missing or wrong', () => {
    const withText = (text: string) => sources({ files: { '/greengrass/v2/config/effectiveConfig.yaml': text } });
    expect(() => resolveEffectiveConfig(withText('system:\n  privateKeyPath: b\n'))).toThrow(
      'Bad Greengrass effective configuration /greengrass/v2/config/effectiveConfig.yaml: system.certificateFilePath: missing or not a string',
    );
    expect(() => resolveEffectiveConfig(withText('system:\n  certificateFilePath: a\n  privateKeyPath: 7\n'))).toThrow(
      /system.privateKeyPath: missing or not a string/,
    );
    expect(() => resolveEffectiveConfig(withText('services: {}\n'))).toThrow(/effectiveConfig.yaml: system: missing or not an object/);
    expect(() => resolveEffectiveConfig(withText(''))).toThrow(/effectiveConfig.yaml: \(document\): missing or not an object/);
    expect(() => resolveEffectiveConfig({ ...withText('system:\n  certificateFilePath: a\n  privateKeyPath: b\n'), env: {} })).toThrow(
      /No thing name: AWS_IOT_THING_NAME is not set and \/greengrass\/v2\/config\/effectiveConfig.yaml has no system.thingName/,
    );
  });
});

describe('loadEffectiveConfig', () => {
  const dirs: string[] = [];
  const cwd = process.cwd();
  afterEach(() => {
    process.chdir(cwd);
    delete process.env['AWS_IOT_THING_NAME'];
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the real file under the working directory of the process', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'gg-root-'));
    dirs.push(root);
    mkdirSync(path.join(root, 'config'));
    const componentDir = path.join(root, 'work', 'aws.greengrass.labs.CertificateRotator');
    mkdirSync(componentDir, { recursive: true });
    writeFileSync(path.join(root, 'config', 'effectiveConfig.yaml'), CONFIG);
    process.chdir(componentDir);
    process.env['AWS_IOT_THING_NAME'] = 'RealCore';
    expect(loadEffectiveConfig()).toMatchObject({ certificateFilePath: '/greengrass/v2/thingCert.crt', thingName: 'RealCore' });
  });
});

describe('credentialMode', () => {
  it.each([
    ['pkcs11:object=iotkey;type=private', 'pkcs11'],
    ['pkcs11:token=gg;object=iotkey;type=private', 'pkcs11'],
    ['PKCS11:object=iotkey', 'pkcs11'],
    ['/greengrass/v2/privKey.key', 'file'],
    ['C:\\greengrass\\v2\\privKey.key', 'file'],
    ['/greengrass/pkcs11:object=x', 'file'],
  ] as const)('%s -> %s', (privateKeyPath, mode) => {
    expect(credentialMode({ privateKeyPath })).toBe(mode);
  });
});
