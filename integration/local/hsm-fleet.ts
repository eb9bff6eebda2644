import path from 'node:path';
import type { KeyAlgorithm } from '../../component/src/config/algorithms.js';
import { Pkcs11CredentialStore, PKCS11_PROVIDER_COMPONENT, type HsmCredentialPaths } from '../../component/src/credentials/pkcs11/index.js';
import type { AwsStandIn } from '../aws/index.js';
import { layoutGreengrassRoot } from '../device/greengrass-root.js';
import { hsmConnector, readHsmCoreSettings, type HsmCoreSettings } from '../device/hsm/hsm-core.js';
import type { MqttConnector } from '../device/reconnecting-mqtt.js';
import { SharedPkcs11Library } from '../device/hsm/pkcs11-library.js';
import { createSoftHsmTokenSet } from '../device/hsm/softhsm-tokens.js';
import { generateDeviceKey, importDeviceCertificate, readTokenCertificatePem } from '../device/hsm/token-credentials.js';
import { scaledClock } from '../device/scaled-clock.js';
import { CpuGate } from '../device/shared-cpu.js';
import { CORE_POLICY_NAME, corePolicyDocument, thingNameFor, type ProvisionedCore, type ProvisionFleetOptions } from './fleet.js';
import { runningInlineCore, startAll, type FleetRunnerOptions, type RunningCore } from './fleet-runner.js';
import type { InstalledCredentialsProbe } from './verify-fleet.js';

/** The label of each core's certificate and private key in its token. */
export const HSM_OBJECT_LABEL = 'device';
const HSM_OBJECT_ID = Buffer.from([0x01]);
const DAY_MS = 86_400_000;

export interface ProvisionHsmFleetOptions extends ProvisionFleetOptions {
  /** Key pair the cores start with, generated inside each token; default RSA-2048 (as file cores). */
  initialKeyAlgorithm?: KeyAlgorithm;
}

/**
 * Provisions simulated cores whose keys live in SoftHSM2: one token per core, all in ONE SoftHSM2
 * configuration under `<workDir>/softhsm` (SOFTHSM2_CONF is process-wide; see
 * SharedPkcs11Library). Per core: the key pair is generated in the token (label `device`), the
 * stand-in's device CA issues a certificate for its public key, the certificate is stored in the
 * token with the key's label and id, registered ACTIVE and attached exclusively with the policy
 * and thing group, and the Greengrass root points at the token with PKCS#11 URIs and the
 * `aws.greengrass.crypto.Pkcs11Provider` configuration. Leaves SOFTHSM2_CONF pointing at the set.
 */
export async function provisionHsmFleet(standIn: AwsStandIn, options: ProvisionHsmFleetOptions): Promise<ProvisionedCore[]> {
  const tokens = await createSoftHsmTokenSet(path.join(options.workDir, 'softhsm'));
  tokens.activate();
  const { registry, authorities } = standIn.model;
  if (!registry.policies.listPolicies().some((p) => p.policyName === CORE_POLICY_NAME))
    registry.policies.createPolicy(CORE_POLICY_NAME, corePolicyDocument(standIn, options.policy));
  registry.things.createThingGroup(options.thingGroupName);
  const prefix = options.thingNamePrefix ?? 'GreengrassCore-';
  const cores: ProvisionedCore[] = [];
  for (let i = 0; i < options.count; i++) {
    const thingName = thingNameFor(prefix, i, options.count);
    const token = tokens.addToken(thingName.slice(-32));
    const spki = generateDeviceKey(token.provider, options.initialKeyAlgorithm ?? 'RSA-2048', HSM_OBJECT_LABEL, HSM_OBJECT_ID);
    const now = standIn.model.clock.now();
    const validity = options.validityOf?.(i) ?? { notBefore: now - DAY_MS, notAfter: now + 3650 * DAY_MS };
    const certificate = await authorities.deviceCa.issue({
      publicKey: spki,
      subject: `CN=${thingName}`,
      notBefore: new Date(validity.notBefore),
      notAfter: new Date(validity.notAfter),
      scheme: { family: authorities.deviceCa.family, hash: 'SHA-256' },
      profile: 'client',
    });
    const certificatePem = certificate.toString('pem');
    importDeviceCertificate(token.provider, certificatePem, HSM_OBJECT_LABEL, HSM_OBJECT_ID);
    registry.things.createThing(thingName);
    const registered = registry.registerCertificateWithoutCA(certificatePem, 'ACTIVE');
    registry.attachThingPrincipal(thingName, registered.certificateArn, 'EXCLUSIVE_THING');
    registry.attachPolicy(CORE_POLICY_NAME, registered.certificateArn);
    registry.things.addThingToThingGroup(options.thingGroupName, thingName);
    const paths = await layoutGreengrassRoot({
      root: path.join(options.workDir, thingName),
      thingName,
      certificatePem,
      privateKeyPem: '',
      rootCaPem: standIn.mqtt.caCertificatePem,
      algorithms: options.algorithms,
      credentialPaths: {
        certificateFilePath: `pkcs11:object=${HSM_OBJECT_LABEL};type=cert`,
        privateKeyPath: `pkcs11:object=${HSM_OBJECT_LABEL};type=private`,
      },
      otherServices: { [PKCS11_PROVIDER_COMPONENT]: { configuration: token.providerConfiguration } },
      ...(options.componentConfiguration ? { componentConfiguration: options.componentConfiguration } : {}),
    });
    cores.push({ thingName, paths, initialCertificateId: registered.certificateId });
    options.onProgress?.(i + 1, options.count);
    if (options.logger && (i + 1) % 100 === 0) options.logger.info(`Provisioned ${i + 1} of ${options.count} HSM cores`);
  }
  return cores;
}

/** What a nucleus stand-in needs to run one HSM core, in whichever mode. */
export interface HsmCoreAccess {
  settings: HsmCoreSettings;
  /** The nucleus's connection: certificate read from the token, handshake signed in it. */
  connect(clientId: string): MqttConnector;
  probe: InstalledCredentialsProbe;
  /** Greengrass `system` credential paths and the Pkcs11Provider service, for a nucleus that lays out its own root. */
  credentialPaths: HsmCredentialPaths;
  otherServices: Record<string, { configuration: Record<string, unknown> }>;
  /** Environment the component's process needs to find the same tokens (SOFTHSM2_CONF). */
  env: Record<string, string>;
}

/**
 * Opens the process's one aws-crt PKCS#11 library handle (see SharedPkcs11Library: before any
 * core connects, kept for the life of the process) and gives each core's access to its token,
 * read from its effective configuration as the nucleus reads it. Call after provisionHsmFleet.
 */
export function openHsmFleetAccess(standIn: AwsStandIn, cores: ProvisionedCore[]): HsmCoreAccess[] {
  const softhsmConf = process.env.SOFTHSM2_CONF;
  if (softhsmConf === undefined) throw new Error('SOFTHSM2_CONF is not set: provision the fleet with provisionHsmFleet first');
  const broker = { host: standIn.mqtt.host, port: standIn.mqtt.port, caPem: standIn.mqtt.caCertificatePem };
  const settings = cores.map((core) => readHsmCoreSettings(core.paths.effectiveConfigPath));
  const libraries = new Set(settings.map((s) => s.provider.library));
  const [libraryPath, ...others] = [...libraries];
  if (libraryPath === undefined || others.length > 0) throw new Error(`HSM cores must share one PKCS#11 library (found ${libraries.size})`);
  const library = new SharedPkcs11Library(libraryPath);
  return cores.map((core, i): HsmCoreAccess => {
    const hsm = settings[i];
    if (hsm === undefined) throw new Error(`no HSM settings for ${core.thingName}`);
    const connect = (clientId: string): MqttConnector => hsmConnector(broker, library, hsm, clientId);
    return {
      settings: hsm,
      connect,
      probe: {
        certificatePem: async () => readTokenCertificatePem(hsm.provider, hsm.label),
        connect: async () => {
          const connection = await connect(`${core.thingName}#99`)();
          await connection.close();
        },
      },
      credentialPaths: hsm.paths,
      otherServices: {
        [PKCS11_PROVIDER_COMPONENT]: {
          configuration: { name: 'softhsm', library: hsm.provider.library, slot: hsm.provider.slot, userPin: hsm.provider.userPin },
        },
      },
      env: { SOFTHSM2_CONF: softhsmConf },
    };
  });
}

/**
 * Runs HSM cores inline: the component uses the real Pkcs11CredentialStore on the core's token,
 * and the nucleus stand-in connects with aws-crt signing the TLS handshake inside the token.
 */
export async function startHsmInlineFleet(
  standIn: AwsStandIn,
  cores: ProvisionedCore[],
  options: FleetRunnerOptions,
): Promise<RunningCore[]> {
  const access = openHsmFleetAccess(standIn, cores);
  const clock = scaledClock(options.componentTimerScale);
  const broker = { host: standIn.mqtt.host, port: standIn.mqtt.port, caPem: standIn.mqtt.caCertificatePem };
  // A token generates its key pair synchronously, holding the event loop: one at a time.
  const shared = { clock, broker, algorithms: options.algorithms, cpu: new CpuGate(options.keyGenerationSlots ?? 1) };
  const running = cores.map((core, i): RunningCore => {
    const hsm = access[i];
    if (hsm === undefined) throw new Error(`no HSM access for ${core.thingName}`);
    return runningInlineCore(core, shared, {
      createStore: (store) =>
        new Pkcs11CredentialStore({
          paths: { certificateFilePath: store.certificateFilePath, privateKeyPath: store.privateKeyPath },
          provider: hsm.settings.provider,
          logger: store.logger,
        }),
      connect: hsm.connect,
      probe: hsm.probe,
    });
  });
  return startAll(running, options.onStarted);
}
