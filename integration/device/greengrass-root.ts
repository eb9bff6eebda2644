import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { COMPONENT_NAME } from '../../shared/contract/index.js';

/** Where one simulated core keeps its files, laid out as a Greengrass root. */
export interface GreengrassRoot {
  root: string;
  thingName: string;
  certificateFilePath: string;
  privateKeyPath: string;
  rootCaPath: string;
  effectiveConfigPath: string;
  /** The component's working directory: `<root>/work/<component>`. */
  componentWorkDir: string;
  componentLogPath: string;
}

export function greengrassRootPaths(root: string, thingName: string): GreengrassRoot {
  return {
    root,
    thingName,
    certificateFilePath: path.join(root, 'thingCert.crt'),
    privateKeyPath: path.join(root, 'privKey.key'),
    rootCaPath: path.join(root, 'rootCA.pem'),
    effectiveConfigPath: path.join(root, 'config', 'effectiveConfig.yaml'),
    componentWorkDir: path.join(root, 'work', COMPONENT_NAME),
    componentLogPath: path.join(root, 'logs', `${COMPONENT_NAME}.log`),
  };
}

export interface LayoutOptions {
  root: string;
  thingName: string;
  certificatePem: string;
  privateKeyPem: string;
  rootCaPem: string;
  algorithms: AlgorithmConfig;
  /** Extra configuration of the component (for example accessControl) merged over the algorithms. */
  componentConfiguration?: Record<string, unknown>;
  nucleusConfiguration?: Record<string, unknown>;
  /** Other services' configuration, such as aws.greengrass.crypto.Pkcs11Provider. */
  otherServices?: Record<string, { configuration: Record<string, unknown> }>;
  /** Override the credential locations (PKCS#11 URIs). Files are then not written. */
  credentialPaths?: { certificateFilePath: string; privateKeyPath: string };
}

/** Writes a Greengrass root: credentials, `config/effectiveConfig.yaml`, `work/` and `logs/`. */
export async function layoutGreengrassRoot(options: LayoutOptions): Promise<GreengrassRoot> {
  const paths = greengrassRootPaths(options.root, options.thingName);
  const certificateFilePath = options.credentialPaths?.certificateFilePath ?? paths.certificateFilePath;
  const privateKeyPath = options.credentialPaths?.privateKeyPath ?? paths.privateKeyPath;
  await mkdir(path.dirname(paths.effectiveConfigPath), { recursive: true });
  await mkdir(paths.componentWorkDir, { recursive: true });
  await mkdir(path.dirname(paths.componentLogPath), { recursive: true });
  if (!options.credentialPaths) {
    await writeFile(paths.certificateFilePath, options.certificatePem);
    await writeFile(paths.privateKeyPath, options.privateKeyPem, { mode: 0o600 });
  }
  await writeFile(paths.rootCaPath, options.rootCaPem);
  const config = {
    system: {
      certificateFilePath,
      privateKeyPath,
      rootCaPath: paths.rootCaPath,
      rootpath: options.root,
      thingName: options.thingName,
    },
    services: {
      'aws.greengrass.Nucleus': {
        componentType: 'NUCLEUS',
        configuration: { interpolateComponentConfiguration: true, ...options.nucleusConfiguration },
      },
      ...options.otherServices,
      [COMPONENT_NAME]: {
        configuration: { ...options.algorithms, ...options.componentConfiguration },
      },
    },
  };
  await writeFile(paths.effectiveConfigPath, stringify(config));
  return { ...paths, certificateFilePath, privateKeyPath };
}

/** Reads the certificate and key a file-mode core would connect with now. */
export async function readFileCredentials(
  paths: Pick<GreengrassRoot, 'certificateFilePath' | 'privateKeyPath'>,
): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const [certificatePem, privateKeyPem] = await Promise.all([
    readFile(paths.certificateFilePath, 'utf8'),
    readFile(paths.privateKeyPath, 'utf8'),
  ]);
  return { certificatePem, privateKeyPem };
}
