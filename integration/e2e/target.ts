import type { IoTClient } from '@aws-sdk/client-iot';
import type { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { PcaSigningAlgorithm } from '../../backend/src/index.js';

export interface DeploymentOutcome {
  thingName: string;
  status: 'SUCCEEDED' | 'FAILED';
  message: string;
}

export interface Notification {
  subject?: string;
  message: string;
}

/**
 * Where the end-to-end suites run: the local stand-in, or a real AWS account with a thing group
 * of real Greengrass cores. The suites speak to AWS IoT only through the real SDK clients, so
 * everything else a target must do is here.
 */
export interface RotationTarget {
  readonly name: string;
  readonly iot: IoTClient;
  readonly iotData: IoTDataPlaneClient;
  readonly thingGroupName: string;
  /** The job template the backend deployed. */
  readonly jobTemplateId: string;
  /** Longest a rotation job may take here, in ms. */
  readonly jobTimeoutMs: number;
  /** Longest the backend may take to clean up certificates after an execution ends, in ms. */
  readonly cleanupTimeoutMs: number;
  /** How often to look at a job, in ms. */
  readonly pollIntervalMs: number;
  things(): Promise<string[]>;
  /** Merges a component configuration on every core (a Greengrass deployment); one outcome per core. */
  deployConfiguration(configuration: Record<string, unknown>): Promise<DeploymentOutcome[]>;
  /** Which issuer the create-certificate function uses from now on. */
  useIssuer(issuer: { kind: 'iot' } | { kind: 'pca'; signingAlgorithm: PcaSigningAlgorithm }): Promise<void>;
  /** Private CA signing algorithms this target can issue with (those matching its CA's key family). */
  pcaSigningAlgorithms(): Promise<PcaSigningAlgorithm[]>;
  /** The certificate a core has installed now, when the target can see inside the core. */
  installedCertificatePem?(thingName: string): Promise<string>;
  /** Cores still reach AWS IoT with what they have installed, when the target can check it. */
  coreConnects?(thingName: string): Promise<boolean>;
  /** SNS notifications published since the target started, when the target can read them. */
  notifications?(): Promise<Notification[]>;
  close(): Promise<void>;
}
