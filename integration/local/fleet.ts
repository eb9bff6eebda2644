import path from 'node:path';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { keyFamily } from '../../component/src/config/validate.js';
import type { Logger } from '../../shared/logging/logger.js';
import type { AwsStandIn, ValidityPeriod } from '../aws/index.js';
import { layoutGreengrassRoot, type GreengrassRoot } from '../device/greengrass-root.js';
import { leastPrivilegeCorePolicy, PERMISSIVE_CORE_POLICY } from '../aws/index.js';

/** The IoT policy the simulated cores are provisioned with. */
export const CORE_POLICY_NAME = 'GreengrassV2IoTThingPolicy';

/**
 * `least-privilege` (the default, and the supported configuration): each core may use only its
 * own thing's topics. `permissive`: every action on every resource, as the Greengrass installer's
 * defaults grant.
 */
export type CorePolicyChoice = 'least-privilege' | 'permissive';

export function corePolicyDocument(standIn: AwsStandIn, choice: CorePolicyChoice = 'least-privilege'): string {
  return choice === 'permissive' ? PERMISSIVE_CORE_POLICY : leastPrivilegeCorePolicy(standIn.model);
}

export interface ProvisionedCore {
  thingName: string;
  paths: GreengrassRoot;
  /** The certificate the core was provisioned with (what a rotation replaces). */
  initialCertificateId: string;
}

export interface ProvisionFleetOptions {
  count: number;
  /** Each core's Greengrass root is `<workDir>/<thing name>`. */
  workDir: string;
  thingGroupName: string;
  algorithms: AlgorithmConfig;
  thingNamePrefix?: string;
  /** The AWS IoT policy of the cores' certificates; default least-privilege. */
  policy?: CorePolicyChoice;
  /** Extra component configuration (e.g. accessControl) written into each effective configuration. */
  componentConfiguration?: Record<string, unknown>;
  /** The first certificate's validity, per core (default: ten years from yesterday). */
  validityOf?: (index: number) => ValidityPeriod | undefined;
  logger?: Logger;
  /** Called after each core is provisioned: large fleets take a while (an RSA key per core). */
  onProgress?: (provisioned: number, total: number) => void;
}

/** Key generation runs on libuv's thread pool (4 threads): a few cores at once keep both CPU cores busy. */
const PROVISION_CONCURRENCY = 4;

export function thingNameFor(prefix: string, index: number, count: number): string {
  return `${prefix}${String(index + 1).padStart(String(count).length, '0')}`;
}

/**
 * Provisions simulated cores as a fleet operator would: a thing with its own key and device-CA
 * certificate (ACTIVE, attached exclusively), the core policy, membership of the thing group, and
 * a Greengrass root on disk that holds the credentials and the effective configuration.
 */
export async function provisionFleet(standIn: AwsStandIn, options: ProvisionFleetOptions): Promise<ProvisionedCore[]> {
  const prefix = options.thingNamePrefix ?? 'GreengrassCore-';
  // The first key is of the fleet's own family: 500 RSA keys take minutes on two cores.
  const keySpec =
    keyFamily(options.algorithms.keyAlgorithm) === 'EC'
      ? ({ kind: 'EC', curve: 'P-256' } as const)
      : ({ kind: 'RSA', bits: 2048 } as const);
  const cores: ProvisionedCore[] = new Array<ProvisionedCore>(options.count);
  let next = 0;
  let done = 0;
  const provisionOne = async (i: number): Promise<void> => {
    const thingName = thingNameFor(prefix, i, options.count);
    const validity = options.validityOf?.(i);
    const device = await standIn.model.registry.provisionDevice({
      thingName,
      keySpec,
      ...(validity ? { validity } : {}),
      policyName: CORE_POLICY_NAME,
      policyDocument: corePolicyDocument(standIn, options.policy),
      thingGroupName: options.thingGroupName,
    });
    const paths = await layoutGreengrassRoot({
      root: path.join(options.workDir, thingName),
      thingName,
      certificatePem: device.certificatePem,
      privateKeyPem: device.privateKeyPem,
      rootCaPem: standIn.mqtt.caCertificatePem,
      algorithms: options.algorithms,
      ...(options.componentConfiguration ? { componentConfiguration: options.componentConfiguration } : {}),
    });
    cores[i] = { thingName, paths, initialCertificateId: device.certificateId };
    done += 1;
    options.onProgress?.(done, options.count);
    if (options.logger && done % 100 === 0) options.logger.info(`Provisioned ${done} of ${options.count} cores`);
  };
  const worker = async (): Promise<void> => {
    for (let i = next++; i < options.count; i = next++) await provisionOne(i);
  };
  await Promise.all(Array.from({ length: Math.min(PROVISION_CONCURRENCY, options.count) }, worker));
  return cores;
}
