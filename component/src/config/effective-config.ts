import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readSystemConfig, type SystemConfigPlace } from './system-config.js';

/** Where Greengrass keeps the core's credentials, read from its effective configuration. */
export interface GreengrassPaths {
  /** The Greengrass root directory (parent of `work/` and `config/`). */
  rootPath: string;
  /** `system.certificateFilePath`: a file path, or a PKCS#11 URI. */
  certificateFilePath: string;
  /** `system.privateKeyPath`: a file path, or a PKCS#11 URI. */
  privateKeyPath: string;
  /** `system.rootCaPath`, when set. */
  rootCaPath?: string;
  /** `AWS_IOT_THING_NAME`, else `system.thingName`. */
  thingName: string;
  /** Where the credential paths were found (cores provisioned by claim have them in config.tlog). */
  foundIn?: { certificateFilePath?: SystemConfigPlace; privateKeyPath?: SystemConfigPlace };
}

export type CredentialMode = 'file' | 'pkcs11';

/** Everything the effective configuration depends on, injected so it can be computed anywhere. */
export interface EffectiveConfigSources {
  /** The component's working directory: `<root>/work/<component name>`. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Reads a UTF-8 text file; throws when it cannot. */
  readFile: (filePath: string) => string;
  /** Whether a file exists (Greengrass's default credential files under the root). */
  fileExists: (filePath: string) => boolean;
  /** Path syntax: `win32` separates with `\`, anything else with `/`. */
  platform: NodeJS.Platform;
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * Cuts the working directory at its `work` segment, as the original does with
 * `cwd.split('/work')[0]`. The original cuts at the first `/work` substring, which breaks
 * roots such as `/workspace/greengrass` or `/work/greengrass`; the component's working
 * directory is always `<root>/work/<component>`, so the last `work` segment is cut instead.
 */
export function greengrassRootFromCwd(cwd: string, platform: NodeJS.Platform): string {
  const separator = pathApi(platform).sep;
  const segments = cwd.split(platform === 'win32' ? /[\\/]/ : /\//);
  const isWork = (s: string) => (platform === 'win32' ? s.toLowerCase() === 'work' : s === 'work');
  const workIndex = segments.findLastIndex(isWork);
  if (workIndex < 0) {
    throw new Error(`Cannot find the Greengrass root: working directory ${cwd} has no "work" segment`);
  }
  const root = segments.slice(0, workIndex).join(separator);
  return root === '' && cwd.startsWith(separator) ? separator : root;
}

export function effectiveConfigFilePath(rootPath: string, platform: NodeJS.Platform): string {
  return pathApi(platform).join(rootPath, 'config', 'effectiveConfig.yaml');
}

export function configTlogFilePath(rootPath: string, platform: NodeJS.Platform): string {
  return pathApi(platform).join(rootPath, 'config', 'config.tlog');
}

/** The component's working directory's Greengrass root, and the system keys wherever they are found. */
export function resolveEffectiveConfig(sources: EffectiveConfigSources): GreengrassPaths {
  const rootPath = greengrassRootFromCwd(sources.cwd, sources.platform);
  const system = readSystemConfig({
    rootPath,
    tlogPath: configTlogFilePath(rootPath, sources.platform),
    effectiveConfigPath: effectiveConfigFilePath(rootPath, sources.platform),
    join: pathApi(sources.platform).join,
    readFile: sources.readFile,
    fileExists: sources.fileExists,
  });
  const certificateFilePath = system.required('certificateFilePath');
  const privateKeyPath = system.required('privateKeyPath');
  const rootCaPath = system.optional('rootCaPath');
  const thingName = sources.env['AWS_IOT_THING_NAME'] || system.optional('thingName');
  if (!thingName) {
    throw new Error(`No thing name: AWS_IOT_THING_NAME is not set and neither ${system.places} has system.thingName`);
  }
  const foundIn = { certificateFilePath: system.placeOf('certificateFilePath'), privateKeyPath: system.placeOf('privateKeyPath') };
  return { rootPath, certificateFilePath, privateKeyPath, ...(rootCaPath === undefined ? {} : { rootCaPath }), thingName, foundIn };
}

/** The effective configuration of the running component process. */
export function loadEffectiveConfig(): GreengrassPaths {
  return resolveEffectiveConfig({
    cwd: process.cwd(),
    env: process.env,
    readFile: (filePath) => readFileSync(filePath, 'utf8'),
    fileExists: (filePath) => existsSync(filePath),
    platform: process.platform,
  });
}

/**
 * A PKCS#11 URI (RFC 7512, scheme case-insensitive) as the private key selects the HSM
 * store. The original tests for `pkcs11:object=`; any PKCS#11 URI is accepted here, since
 * attributes may come in any order.
 */
export function credentialMode(paths: Pick<GreengrassPaths, 'privateKeyPath'>): CredentialMode {
  return /^pkcs11:/i.test(paths.privateKeyPath) ? 'pkcs11' : 'file';
}
