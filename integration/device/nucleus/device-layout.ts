import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { greengrassRootPaths } from '../greengrass-root.js';
import { packagePaths } from './deployment/install-artifacts.js';
import type { RecipeVariableContext } from './recipe-variables.js';

/** Where the nucleus stand-in keeps one component's files under a Greengrass root. */
export interface DeviceLayout {
  root: string;
  certificateFilePath: string;
  privateKeyPath: string;
  rootCaPath: string;
  effectiveConfigPath: string;
  /** Greengrass's IPC socket, `<root>/ipc.socket`. */
  socketPath: string;
  workPath: string;
  logPath: string;
  artifactsPath: string;
  decompressedPath: string;
  /** The stand-in's own files (restart shims and requests), outside Greengrass's layout. */
  standInDir: string;
}

export function deviceLayout(root: string, thingName: string, component: { name: string; version: string }): DeviceLayout {
  const base = greengrassRootPaths(root, thingName);
  const packages = packagePaths(root, component.name, component.version);
  return {
    root,
    certificateFilePath: base.certificateFilePath,
    privateKeyPath: base.privateKeyPath,
    rootCaPath: base.rootCaPath,
    effectiveConfigPath: base.effectiveConfigPath,
    socketPath: path.join(root, 'ipc.socket'),
    workPath: path.join(root, 'work', component.name),
    logPath: path.join(root, 'logs', `${component.name}.log`),
    artifactsPath: packages.artifactsPath,
    decompressedPath: packages.decompressedPath,
    standInDir: path.join(root, 'nucleus-stand-in'),
  };
}

/** Creates `work/<component>` and `logs/`, and writes the root CA and (file mode) the credentials. */
export async function prepareRoot(
  layout: DeviceLayout,
  rootCaPem: string,
  credentials?: { certificatePem: string; privateKeyPem: string },
): Promise<void> {
  await mkdir(layout.workPath, { recursive: true });
  await mkdir(path.dirname(layout.logPath), { recursive: true });
  await writeFile(layout.rootCaPath, rootCaPem);
  if (credentials) {
    await writeFile(layout.certificateFilePath, credentials.certificatePem);
    await writeFile(layout.privateKeyPath, credentials.privateKeyPem, { mode: 0o600 });
  }
}

/** Variables of the host passed on to components; the rest of the test runner's environment is not. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SOFTHSM2_CONF'];

/** The environment Greengrass gives a component's lifecycle processes. */
export function componentEnvironment(options: {
  layout: DeviceLayout;
  thingName: string;
  region: string;
  svcuid: string;
  shimDir: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return {
    ...env,
    ...options.extra,
    PATH: `${options.shimDir}:${options.extra?.PATH ?? env.PATH ?? '/usr/local/bin:/usr/bin:/bin'}`,
    SVCUID: options.svcuid,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: options.svcuid,
    AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT: options.layout.socketPath,
    AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH: options.layout.socketPath,
    AWS_IOT_THING_NAME: options.thingName,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    GG_ROOT_CA_PATH: options.layout.rootCaPath,
  };
}

/** The recipe variables of the component laid out in `layout` (its configuration added by the caller). */
export function recipeVariables(layout: DeviceLayout, componentName: string, thingName: string): RecipeVariableContext {
  return {
    componentName,
    thingName,
    rootPath: layout.root,
    artifactsPath: layout.artifactsPath,
    decompressedPath: layout.decompressedPath,
    workPath: layout.workPath,
  };
}
