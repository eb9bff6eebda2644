import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pkcs11CredentialStore } from '../../component/src/credentials/pkcs11/index.js';
import { MemoryLogger } from '../../shared/test/support/memory-logger.js';
import { startAwsStandIn, stderrLogger, type AwsStandIn } from '../aws/index.js';
import { CrtMqtt } from '../device/hsm/crt-mqtt.js';
import { hsmConnector, readHsmCoreSettings, type HsmCoreSettings } from '../device/hsm/hsm-core.js';
import { SharedPkcs11Library } from '../device/hsm/pkcs11-library.js';
import { privateKeyFlags, readTokenCertificatePem, tokenObjectLabels } from '../device/hsm/token-credentials.js';
import { ReconnectingIotMqtt, type BrokerAddress } from '../device/reconnecting-mqtt.js';
import type { ProvisionedCore } from './fleet.js';
import { provisionHsmFleet } from './hsm-fleet.js';

const ALGORITHMS = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } as const;

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
    // RSA-2048 device keys, generated inside the tokens; the rotation below installs a P-256 key.
    cores = await provisionHsmFleet(standIn, {
      count: 2,
      workDir,
      thingGroupName: 'hsm-cores',
      algorithms: ALGORITHMS,
      policy: 'permissive',
    });
    settings = cores.map((c) => readHsmCoreSettings(c.paths.effectiveConfigPath));
    library = new SharedPkcs11Library(settings[0]?.provider.library ?? '');
  });

  afterAll(async () => {
    await standIn?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("provisioning: key generated in each core's own token, certificate registered, Greengrass root with PKCS#11 URIs", () => {
    const registry = standIn.model.registry;
    expect(new Set(settings.map((s) => s.provider.slot)).size).toBe(cores.length);
    for (const [i, core] of cores.entries()) {
      const hsm = settings[i];
      expect(hsm?.paths).toEqual({
        certificateFilePath: 'pkcs11:object=device;type=cert',
        privateKeyPath: 'pkcs11:object=device;type=private',
      });
      expect(registry.describeCertificate(core.initialCertificateId).status).toBe('ACTIVE');
      expect(registry.listThingPrincipalsV2(core.thingName, 'EXCLUSIVE_THING').map((p) => p.principal)).toEqual([
        registry.describeCertificate(core.initialCertificateId).certificateArn,
      ]);
      expect(
        registry.listAttachedPolicies(registry.describeCertificate(core.initialCertificateId).certificateArn).map((p) => p.policyName),
      ).toEqual(['GreengrassV2IoTThingPolicy']);
      expect(hsm && tokenObjectLabels(hsm.provider)).toEqual(['certificate device', 'private key device']);
    }
    expect(registry.things.listThingsInThingGroup('hsm-cores')).toEqual(cores.map((c) => c.thingName));
  });

  it('connects with the key in the token; the broker sees the certificate id as principal', async () => {
    const [core, hsm] = [cores[0], settings[0]];
    if (!core || !hsm) throw new Error('not provisioned');
    expect(privateKeyFlags(hsm.provider, hsm.label)).toEqual({ sensitive: true, extractable: false, neverExtractable: true });
    const connection = await hsmConnector(broker, library, hsm, core.thingName)();
    try {
      expect(standIn.broker.connections()).toContainEqual(
        expect.objectContaining({ clientId: core.thingName, principal: core.initialCertificateId }),
      );
      const received: string[] = [];
      await connection.subscribe(`test/${core.thingName}/+/x`, 1, (m) => received.push(`${m.topic} ${m.payload.toString()}`));
      await connection.publish(`test/${core.thingName}/a/y`, 'not matched', 1);
      await connection.publish(`test/${core.thingName}/a/x`, 'matched', 1);
      await expect.poll(() => received.length > 0, { message: 'the matching message' }).toBe(true);
      expect(received).toEqual([`test/${core.thingName}/a/x matched`]);
    } finally {
      await connection.close();
    }
    expect(connection.connected).toBe(false);
  });

  it('keeps working while the store uses the same token; reconnects with the rotated key (P-256) and after rollback', async () => {
    const [core, hsm] = [cores[1], settings[1]];
    if (!core || !hsm) throw new Error('not provisioned');
    const logger = new MemoryLogger();
    const mqtt = new ReconnectingIotMqtt(hsmConnector(broker, library, hsm, core.thingName), core.thingName, logger, 50);
    const principal = (): string | undefined => standIn.broker.connections().find((c) => c.clientId === core.thingName)?.principal;
    try {
      expect(await mqtt.start()).toBe(true);
      const received: string[] = [];
      await mqtt.subscribe(`test/${core.thingName}/#`, 1, (m) => received.push(m.payload.toString()));

      // The component's store (graphene-pk11) works on the token the live TLS session uses.
      const store = new Pkcs11CredentialStore({ paths: hsm.paths, provider: hsm.provider, logger });
      expect(await store.installedCredentialsMatch()).toBe(true);
      const issued = await standIn.model.registry.createCertificateFromCsr(await store.createCsr(ALGORITHMS), true);
      standIn.model.registry.attachThingPrincipal(core.thingName, issued.certificateArn);
      // As the backend does: the new certificate gets the old one's policy, without which AWS IoT refuses it.
      standIn.model.registry.attachPolicy('GreengrassV2IoTThingPolicy', issued.certificateArn);
      await store.rotate(issued.certificatePem);
      expect(await store.backupExists()).toBe(true);
      await mqtt.publish(`test/${core.thingName}/after-rotate`, 'still connected', 1);
      await expect
        .poll(() => received.includes('still connected'), { message: 'a message over the session opened before the rotation' })
        .toBe(true);
      expect(principal()).toBe(core.initialCertificateId);

      // The nucleus restarts: the new connection presents the new certificate and signs with the new key.
      expect(standIn.broker.disconnect(core.thingName)).toBe(1);
      await expect
        .poll(() => principal() === issued.certificateId && mqtt.connected, { message: 'a reconnection with the new certificate' })
        .toBe(true);
      expect(readTokenCertificatePem(hsm.provider, hsm.label)).toBe(new X509Certificate(issued.certificatePem).toString());
      expect(privateKeyFlags(hsm.provider, hsm.label)).toEqual({ sensitive: true, extractable: false, neverExtractable: true });
      await mqtt.publish(`test/${core.thingName}/after-reconnect`, 'subscriptions restored', 1);
      await expect.poll(() => received.includes('subscriptions restored'), { message: 'a message after the reconnection' }).toBe(true);

      await store.rollback();
      standIn.broker.disconnect(core.thingName);
      await expect
        .poll(() => principal() === core.initialCertificateId && mqtt.connected, { message: 'a reconnection with the old certificate' })
        .toBe(true);
    } finally {
      await mqtt.close();
    }
  });

  it('fails to connect, naming the slot, when the token holds no key with the label', async () => {
    const hsm = settings[0];
    if (!hsm) throw new Error('not provisioned');
    const connect = CrtMqtt.connect({
      ...broker,
      clientId: 'no-such-key',
      certificatePem: readTokenCertificatePem(hsm.provider, hsm.label),
      key: { lib: library.lib, slot: hsm.provider.slot, userPin: hsm.provider.userPin, keyLabel: 'no-such-label' },
    });
    await expect(connect).rejects.toThrow(`key "no-such-label" in PKCS#11 slot ${hsm.provider.slot}`);
  });

  it('is refused when the certificate in the token is not ACTIVE in the registry', async () => {
    const [core, hsm] = [cores[0], settings[0]];
    if (!core || !hsm) throw new Error('not provisioned');
    standIn.model.registry.updateCertificate(core.initialCertificateId, 'INACTIVE');
    try {
      await expect(hsmConnector(broker, library, hsm, core.thingName)()).rejects.toThrow(`MQTT connection of ${core.thingName}`);
    } finally {
      standIn.model.registry.updateCertificate(core.initialCertificateId, 'ACTIVE');
    }
    const connection = await hsmConnector(broker, library, hsm, core.thingName)();
    await connection.close();
  });
});
