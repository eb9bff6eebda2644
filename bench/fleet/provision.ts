import path from 'node:path';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { keyFamily } from '../../component/src/config/validate.js';
import type { AwsStandIn } from '../../integration/aws/stand-in.js';
import { layoutGreengrassRoot } from '../../integration/device/greengrass-root.js';
import { CORE_POLICY_NAME, thingNameFor, type ProvisionedCore } from '../../integration/local/fleet.js';

/**
 * Provisions cores as provisionFleet does, except that each core's first key is of the fleet's
 * own family: provisionFleet gives every core an RSA-2048 key, and generating 500 of those on
 * two shared cores takes minutes before anything is measured.
 */
export async function provisionBenchFleet(
  standIn: AwsStandIn,
  options: { count: number; workDir: string; thingGroupName: string; algorithms: AlgorithmConfig },
): Promise<ProvisionedCore[]> {
  const keySpec = keyFamily(options.algorithms.keyAlgorithm) === 'EC' ? ({ kind: 'EC', curve: 'P-256' } as const) : ({ kind: 'RSA', bits: 2048 } as const);
  const cores: ProvisionedCore[] = [];
  for (let i = 0; i < options.count; i++) {
    const thingName = thingNameFor('GreengrassCore-', i, options.count);
    const device = await standIn.model.registry.provisionDevice({ thingName, keySpec, policyName: CORE_POLICY_NAME, thingGroupName: options.thingGroupName });
    const paths = await layoutGreengrassRoot({
      root: path.join(options.workDir, thingName),
      thingName,
      certificatePem: device.certificatePem,
      privateKeyPem: device.privateKeyPem,
      rootCaPem: standIn.mqtt.caCertificatePem,
      algorithms: options.algorithms,
    });
    cores.push({ thingName, paths, initialCertificateId: device.certificateId });
  }
  return cores;
}
