import type { Logger } from '../../component/src/runtime/logger.js';
import type { BrokerAddress, InstalledCredentials, MqttConnector } from '../device/reconnecting-mqtt.js';
import type { ConfigTree } from './config-store.js';
import type { CloudEndpoint } from './deployment/cloud-components.js';
import type { PublishedComponent } from './deployment/publish.js';

export interface NucleusOptions {
  /** The Greengrass root directory of this device. */
  root: string;
  thingName: string;
  broker: BrokerAddress;
  /**
   * A local deployment: the build output (published here, digest computed) or a component
   * published before. Without it the core starts with no component and takes its deployments
   * from the cloud (`cloud`).
   */
  deployment?: { recipePath: string; artifactPath: string; version?: string; storeDir?: string } | { published: PublishedComponent };
  /**
   * Greengrass deployments from the cloud: the nucleus listens for deployment jobs on its AWS IoT
   * connection, resolves and downloads components over these HTTPS APIs and reports its fleet status.
   */
  cloud?: CloudEndpoint;
  /** File-mode credentials to install at `<root>/thingCert.crt` and `<root>/privKey.key`. */
  credentials?: { certificatePem: string; privateKeyPem: string };
  /** Overrides `system.certificateFilePath` / `privateKeyPath` (PKCS#11 URIs). */
  credentialPaths?: { certificateFilePath: string; privateKeyPath: string };
  /** How the nucleus reads the credentials to connect with; default the files. */
  readCredentials?: (system: { certificateFilePath: string; privateKeyPath: string }) => Promise<InstalledCredentials>;
  /**
   * How the nucleus opens its AWS IoT connection when the key cannot be read as PEM (PKCS#11:
   * aws-crt signs in the token); replaces the file connection and `readCredentials`.
   */
  connect?: (clientId: string) => MqttConnector;
  /** The deployment's configuration MERGE over the recipe's DefaultConfiguration. */
  componentConfiguration?: ConfigTree;
  /** `aws.greengrass.Nucleus` configuration; interpolateComponentConfiguration defaults to true. */
  nucleusConfiguration?: ConfigTree;
  /** Other services' configuration, such as aws.greengrass.crypto.Pkcs11Provider. */
  otherServices?: Record<string, ConfigTree>;
  region?: string;
  /** Extra environment for the component's processes. */
  env?: Record<string, string>;
  logger: Logger;
  /** Time from a restart request to the nucleus coming back; default 100 ms. */
  restartDelayMs?: number;
  validationTimeoutMs?: number;
}

export type NucleusStatus = 'running' | 'restarting' | 'stopped' | 'off';
