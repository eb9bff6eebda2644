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
  const { files: given, ...rest } = overrides;
  const files = given ?? { '/greengrass/v2/config/effectiveConfig.yaml': CONFIG };
  return {
    cwd: '/greengrass/v2/work/aws.greengrass.labs.CertificateRotator',
    env: { AWS_IOT_THING_NAME: 'FromEnv' },
    platform: 'linux',
    readFile: (filePath) => {
      const text = files[filePath];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${filePath}'`);
      return text;
    },
    fileExists: (filePath) => files[filePath] !== undefined,
    ...rest,
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
      foundIn: { certificateFilePath: 'effectiveConfig.yaml', privateKeyPath: 'effectiveConfig.yaml' },
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
    expect(config).toMatchObject({ rootPath: 'C:\\greengrass\\v2', certificateFilePath: 'a', privateKeyPath: 'b', thingName: 'FromEnv' });
  });

  it('names every place it looked when no place gives a usable value', () => {
    expect(() => resolveEffectiveConfig(sources({ files: {} }))).toThrow(
      'No usable system.certificateFilePath: /greengrass/v2/config/config.tlog cannot be read (ENOENT: no such file, open ' +
        "'/greengrass/v2/config/config.tlog'); /greengrass/v2/config/effectiveConfig.yaml cannot be read (ENOENT: no such file, open " +
        "'/greengrass/v2/config/effectiveConfig.yaml'); Greengrass's default /greengrass/v2/thingCert.crt does not exist",
    );
    const withText = (text: string) =>
      sources({ files: { '/greengrass/v2/config/effectiveConfig.yaml': text, '/greengrass/v2/config/config.tlog': '' } });
    expect(() => resolveEffectiveConfig(withText('system:\n  privateKeyPath: b\n'))).toThrow(
      'No usable system.certificateFilePath: /greengrass/v2/config/config.tlog has no entry for system.certificateFilePath; ' +
        "/greengrass/v2/config/effectiveConfig.yaml has no system.certificateFilePath; Greengrass's default /greengrass/v2/thingCert.crt does not exist",
    );
    expect(() => resolveEffectiveConfig(withText('system:\n  certificateFilePath: a\n  privateKeyPath: 7\n'))).toThrow(
      /No usable system.privateKeyPath: .*effectiveConfig.yaml has a system.privateKeyPath that is not a string/,
    );
    expect(() => resolveEffectiveConfig(withText('services: {}\n'))).toThrow(/effectiveConfig.yaml has no system section/);
    expect(() => resolveEffectiveConfig(withText('system: [unclosed'))).toThrow(/effectiveConfig.yaml cannot be read/);
    expect(() => resolveEffectiveConfig({ ...withText('system:\n  certificateFilePath: a\n  privateKeyPath: b\n'), env: {} })).toThrow(
      'No thing name: AWS_IOT_THING_NAME is not set and neither /greengrass/v2/config/config.tlog nor /greengrass/v2/config/effectiveConfig.yaml has system.thingName',
    );
  });
});

describe('cores provisioned by claim', () => {
  const tlogLine = (ts: number, topicPath: string[], action: string, value?: unknown) =>
    JSON.stringify({ TS: ts, TP: topicPath, W: action, ...(value === undefined ? {} : { V: value }) });
  const EMPTY_PATHS = 'system:\n  certificateFilePath: ""\n  privateKeyPath: ""\n  rootpath: "/greengrass/v2"\n  thingName: ""\n';
  const claimed = (tlog: string[], extra: Record<string, string> = {}) =>
    sources({
      files: { '/greengrass/v2/config/effectiveConfig.yaml': EMPTY_PATHS, '/greengrass/v2/config/config.tlog': tlog.join('\n'), ...extra },
    });

  it('takes the paths from the newest config.tlog entry when effectiveConfig.yaml leaves them empty', () => {
    const config = resolveEffectiveConfig(
      claimed([
        tlogLine(1700000000000, ['system', 'certificateFilePath'], 'changed', ''),
        tlogLine(1700000000500, ['system', 'privateKeyPath'], 'changed', 'pkcs11:object=claimed;type=private'),
        tlogLine(1700000001000, ['system', 'certificateFilePath'], 'changed', '/greengrass/v2/device.pem.crt'),
        tlogLine(1700000000900, ['system', 'certificateFilePath'], 'changed', '/stale/older.pem'),
        tlogLine(1700000002000, ['services', 'main', 'lifecycle', 'run'], 'changed', 'echo'),
        '{"TS":1700000003000,"TP":["system","privateKeyPath"],"W":"chang',
      ]),
    );
    expect(config).toMatchObject({
      certificateFilePath: '/greengrass/v2/device.pem.crt',
      privateKeyPath: 'pkcs11:object=claimed;type=private',
      foundIn: { certificateFilePath: 'config.tlog', privateKeyPath: 'config.tlog' },
    });
  });

  it("prefers the tlog to effectiveConfig.yaml, and Greengrass's default files last", () => {
    const files = {
      '/greengrass/v2/config/effectiveConfig.yaml': 'system:\n  certificateFilePath: /from/yaml.crt\n  privateKeyPath: ""\n',
      '/greengrass/v2/config/config.tlog': tlogLine(5, ['system', 'certificateFilePath'], 'changed', '/from/tlog.crt'),
      '/greengrass/v2/privKey.key': 'key',
      '/greengrass/v2/rootCA.pem': 'ca',
    };
    expect(resolveEffectiveConfig(sources({ files }))).toMatchObject({
      certificateFilePath: '/from/tlog.crt',
      privateKeyPath: '/greengrass/v2/privKey.key',
      rootCaPath: '/greengrass/v2/rootCA.pem',
      foundIn: { certificateFilePath: 'config.tlog', privateKeyPath: 'default' },
    });
  });

  it('falls through a removed or emptied tlog entry, naming it when nothing else helps', () => {
    const tlog = [
      tlogLine(10, ['system', 'certificateFilePath'], 'changed', '/gone.crt'),
      tlogLine(11, ['system'], 'removed'),
      tlogLine(12, ['system', 'privateKeyPath'], 'changed', ''),
    ];
    expect(() => resolveEffectiveConfig(claimed(tlog))).toThrow(
      'No usable system.certificateFilePath: the newest entry of /greengrass/v2/config/config.tlog removes system.certificateFilePath; ' +
        "/greengrass/v2/config/effectiveConfig.yaml has no system.certificateFilePath; Greengrass's default /greengrass/v2/thingCert.crt does not exist",
    );
    expect(() => resolveEffectiveConfig(claimed(tlog, { '/greengrass/v2/thingCert.crt': 'cert' }))).toThrow(
      /^No usable system.privateKeyPath: the newest entry of \/greengrass\/v2\/config\/config.tlog for system.privateKeyPath is empty; /,
    );
  });

  it('takes the thing name from the tlog too', () => {
    const config = resolveEffectiveConfig({
      ...claimed([
        tlogLine(1, ['system', 'certificateFilePath'], 'changed', '/c'),
        tlogLine(1, ['system', 'privateKeyPath'], 'changed', '/k'),
        tlogLine(1, ['system', 'thingName'], 'changed', 'ClaimedCore'),
      ]),
      env: {},
    });
    expect(config.thingName).toBe('ClaimedCore');
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
