import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { FileCredentialStore } from '../../component/src/credentials/file-store.js';
import { Pkcs11CredentialStore } from '../../component/src/credentials/pkcs11/index.js';
import type { AwsStandIn } from '../aws/index.js';
import { DirectMqtt } from '../device/direct-mqtt.js';
import { readFileCredentials } from '../device/greengrass-root.js';
import type { MqttConnector } from '../device/reconnecting-mqtt.js';
import { scaledClock } from '../device/scaled-clock.js';
import type { ComponentBuild } from '../local/component-build.js';
import type { ProvisionedCore } from '../local/fleet.js';
import { runningInlineCore, type InlineCredentials, type RunningCore } from '../local/fleet-runner.js';
import { openHsmFleetAccess } from '../local/hsm-fleet.js';
import { startProcessFleet } from '../local/process-fleet.js';
import { fileCredentialsProbe } from '../local/verify-fleet.js';
import { announcedFiles, FaultableStore, type ChangeListener, type PowerSwitch } from './faultable-store.js';

export type StoreKind = 'file' | 'pkcs11';
export type CoreMode = 'inline' | 'process';
export type RestartDecision = { delayMs: number } | 'stay-down';

/** A simulated core the fault matrix can cut off: its power, its store's changes, its restarts. */
export interface FaultCore {
  readonly thingName: string;
  readonly mode: CoreMode;
  readonly running: RunningCore;
  readonly power: PowerSwitch;
  /** Inline cores: told of every durable change of the store; a case sets it. */
  onChange: ChangeListener | undefined;
  /** Inline cores: decides the next restart the component asks for; a case sets it. */
  restartPolicy: (() => RestartDecision) | undefined;
  /** The rotator's state (Idle, GettingJob, ...), `off` without power, `unknown` before its first log line. */
  rotatorState(): Promise<string>;
}

export interface FaultCoreOptions {
  store: StoreKind;
  mode: CoreMode;
  algorithms: AlgorithmConfig;
  /** Inline cores: how much faster than real time the component's timers run. */
  timeScale: number;
  /** Process cores: the built component, deployed through the stand-in's Greengrass to this thing group. */
  build?: Pick<ComponentBuild, 'recipePath' | 'artifactPath'>;
  /** Process cores: where gdk-config.json is (the artifact bucket's name). */
  projectRoot?: string;
  thingGroupName?: string;
}

/** A connection that goes silent the moment the core loses power, before the core is torn down. */
function gated(connect: MqttConnector, power: PowerSwitch): MqttConnector {
  const offline = (): Error => new Error('the core has no power');
  return async () => {
    if (!power.on) throw offline();
    const connection = await connect();
    return {
      get connected() {
        return connection.connected;
      },
      onDisconnect: (listener) => connection.onDisconnect(listener),
      subscribe: (topic, qos, onMessage) => (power.on ? connection.subscribe(topic, qos, onMessage) : Promise.reject(offline())),
      publish: (topic, payload, qos) => (power.on ? connection.publish(topic, payload, qos) : Promise.resolve()),
      close: () => connection.close(),
    };
  };
}

/** Starts the cores of one kind (store and mode) for the matrix. */
export async function startFaultCores(standIn: AwsStandIn, cores: ProvisionedCore[], options: FaultCoreOptions): Promise<FaultCore[]> {
  if (options.mode === 'process') return startProcessCores(standIn, cores, options);
  const broker = { host: standIn.mqtt.host, port: standIn.mqtt.port, caPem: standIn.mqtt.caCertificatePem };
  const shared = { broker, clock: scaledClock(options.timeScale), algorithms: options.algorithms };
  const hsm = options.store === 'pkcs11' ? openHsmFleetAccess(standIn, cores) : undefined;
  const result: FaultCore[] = [];
  for (const [i, core] of cores.entries()) {
    const power: PowerSwitch = { on: true };
    const access = hsm?.[i];
    const credentials = (fc: FaultCore): InlineCredentials => ({
      createStore: (args) =>
        new FaultableStore(
          (beforeChange) =>
            access
              ? new Pkcs11CredentialStore({
                  paths: access.settings.paths,
                  provider: access.settings.provider,
                  logger: args.logger,
                  beforeChange,
                })
              : new FileCredentialStore({
                  certificatePath: args.certificateFilePath,
                  privateKeyPath: args.privateKeyPath,
                  workDirectory: args.workDirectory,
                  logger: args.logger,
                  files: announcedFiles(beforeChange),
                }),
          power,
          () => fc.onChange,
        ),
      connect: (clientId) =>
        gated(
          access
            ? access.connect(clientId)
            : async () => DirectMqtt.connect({ ...broker, ...(await readFileCredentials(core.paths)), clientId }),
          power,
        ),
      probe: access ? access.probe : fileCredentialsProbe(standIn, core),
    });
    const fc: { -readonly [K in keyof FaultCore]: FaultCore[K] } = {
      thingName: core.thingName,
      mode: 'inline',
      power,
      onChange: undefined,
      restartPolicy: undefined,
      running: undefined as unknown as RunningCore,
      rotatorState: async () => (power.on ? fc.running.componentState() : 'off'),
    };
    fc.running = runningInlineCore(core, { ...shared, restartPolicy: () => fc.restartPolicy?.() ?? { delayMs: 50 } }, credentials(fc));
    await fc.running.start();
    result.push(fc);
  }
  return result;
}

async function startProcessCores(standIn: AwsStandIn, cores: ProvisionedCore[], options: FaultCoreOptions): Promise<FaultCore[]> {
  if (!options.build || !options.projectRoot || !options.thingGroupName)
    throw new Error('process cores need the built component, the project root and their thing group');
  const running = await startProcessFleet(standIn, cores, {
    algorithms: options.algorithms,
    // The built component runs with its own timers, as on a device.
    componentTimerScale: 1,
    build: options.build,
    projectRoot: options.projectRoot,
    thingGroupName: options.thingGroupName,
    hsm: options.store === 'pkcs11',
  });
  return running.map((r) => {
    const power: PowerSwitch = { on: true };
    return {
      thingName: r.core.thingName,
      mode: 'process',
      running: r,
      power,
      onChange: undefined,
      restartPolicy: undefined,
      rotatorState: async () => (power.on ? r.rotatorState() : 'off'),
    };
  });
}
