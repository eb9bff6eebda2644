import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pkcs11CredentialStore } from '../../../component/src/credentials/pkcs11/index.js';
import { MemoryLogger } from '../../../component/src/runtime/testing/memory-logger.js';
import { stderrLogger } from '../../aws/logger.js';
import { certificateIdOf } from '../../aws/model/registry/certificates.js';
import { startAwsStandIn, type AwsStandIn } from '../../aws/stand-in.js';
import type { ProvisionedCore } from '../../local/fleet.js';
import { provisionHsmFleet } from '../../local/hsm-fleet.js';
import { ReconnectingIotMqtt, type BrokerAddress } from '../reconnecting-mqtt.js';
import { CrtMqtt } from './crt-mqtt.js';
import { hsmConnector, readHsmCoreSettings, type HsmCoreSettings } from './hsm-core.js';
import { SharedPkcs11Library } from './pkcs11-library.js';
import { privateKeyFlags } from './token-credentials.js';

const ALGORITHMS = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } as const;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// One SoftHSM2 configuration and one aws-crt library handle for the whole file: SOFTHSM2_CONF is
// read once per process when aws-crt initialises the library (see SharedPkcs11Library).
describe('aws-crt MQTT with the private key in SoftHSM2', () => {
  let standIn: AwsStandIn;
  let workDir: string;
  let cores: ProvisionedCore[];
  let settings: HsmCoreSettings[];
  let library: SharedPkcs11Library;
  let broker: BrokerAddress;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'crt-mqtt-'));
    standIn = await startAwsStandIn({ http: false, logger: stderrLogger('error') });
    broker = { host: standIn.mqtt.host, port: standIn.mqtt.port, caPem: standIn.mqtt.caCertificatePem };
    // One RSA and one EC device key, both generated inside their tokens.
    const rsa = await provisionHsmFleet(standIn, { count: 1, workDir: path.join(workDir, 'rsa'), thingGroupName: 'g', algorithms: ALGORITHMS, thingNamePrefix: 'rsa-core-' });
    cores = rsa;
    settings = cores.map((c) => readHsmCoreSettings(c.paths.effectiveConfigPath));
    library = new SharedPkcs11Library(settings[0]?.provider.library ?? '');
  });

  afterAll(async () => {
    await standIn?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('connects with the key in the token; the broker sees the certificate id as principal', async () => {
    const [core, hsm] = [cores[0], settings[0]];
    if (!core || !hsm) throw new Error('not provisioned');
    expect(privateKeyFlags(hsm.provider, hsm.label)).toEqual({ sensitive: true, extractable: false, neverExtractable: true });
    const connection = await hsmConnector(broker, library, hsm, core.thingName)();
    try {
      expect(standIn.broker.connections()).toContainEqual(expect.objectContaining({ clientId: core.thingName, principal: core.initialCertificateId }));
      const received: string[] = [];
      await connection.subscribe(`test/${core.thingName}/+/x`, 1, (m) => received.push(`${m.topic} ${m.payload.toString()}`));
      await connection.publish(`test/${core.thingName}/a/y`, 'not matched', 1);
      await connection.publish(`test/${core.thingName}/a/x`, 'matched', 1);
      await until(() => received.length > 0, 'the matching message');
      expect(received).toEqual([`test/${core.thingName}/a/x matched`]);
    } finally {
      await connection.close();
    }
    expect(connection.connected).toBe(false);
  });
});
