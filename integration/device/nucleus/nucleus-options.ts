import type { Logger } from '../../../shared/logging/logger.js';
import type { BrokerAddress, MqttConnector } from '../reconnecting-mqtt.js';
import type { ConfigTree } from './config-store.js';
import type { CloudEndpoint } from './deployment/cloud-components.js';
import type { PublishedComponent } from './deployment/publish.js';

/**
 * The device's credentials, as the Greengrass `system` configuration points at them.
 * - `files`: PEM files the nucleus installs at `<root>/thingCert.crt` and `<root>/privKey.key`; it
 *   connects with whatever the files hold at each (re)connection.
 * - `pkcs11`: objects in an HSM token, named by the PKCS#11 URIs in `certificateFilePath` and
 *   `privateKeyPath`; the key cannot be read as PEM, so the nucleus connects through `connect`
 *   (aws-crt signs the TLS handshake in the token).
 */
export type NucleusCredentials =
  | { kind: 'files'; certificatePem: string; privateKeyPem: string }
  | { kind: 'pkcs11'; certificateFilePath: string; privateKeyPath: string; connect: (clientId: string) => MqttConnector };

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
  /** Where the device's certificate and key live, and so how the nucleus connects to AWS IoT. */
  credentials: NucleusCredentials;
  /**
   * Lay the core out as AWS IoT fleet provisioning leaves it: the credential paths empty in
   * `effectiveConfig.yaml` and set in `config/config.tlog`.
   */
  provisionedByClaim?: boolean;
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
