import { resolveEffectiveConfig } from '../../component/src/config/effective-config.js';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import type { CredentialStore } from '../../component/src/credentials/credential-store.js';
import { FileCredentialStore } from '../../component/src/credentials/file-store.js';
import type { Logger } from '../../shared/logging/logger.js';
import type { StateName } from '../../component/src/fsm/types.js';
import type { Clock, RotatorHandle } from '../../component/src/runtime/rotator-deps.js';
import { startRotator } from '../../component/src/runtime/rotator.js';
import { validateAlgorithmConfig } from '../../component/src/config/validate.js';
import { existsSync, readFileSync } from 'node:fs';
import type { GreengrassRoot } from './greengrass-root.js';
import { gatedKeyGeneration, type CpuGate } from './shared-cpu.js';
import { readFileCredentials } from './greengrass-root.js';
import {
  ReconnectingIotMqtt,
  ReconnectingMqtt,
  type BrokerAddress,
  type InstalledCredentials,
  type MqttConnector,
} from './reconnecting-mqtt.js';

export interface InlineCoreOptions {
  paths: GreengrassRoot;
  broker: BrokerAddress;
  algorithms: AlgorithmConfig;
  logger: Logger;
  clock: Clock;
  /** Builds the credential store; defaults to the file store at the effective configuration's paths. */
  createStore?: (core: { certificateFilePath: string; privateKeyPath: string; workDirectory: string; logger: Logger }) => CredentialStore;
  /** Reads the credentials to connect with; defaults to the files. */
  readCredentials?: () => Promise<InstalledCredentials>;
  /**
   * Opens the core's connection with what is installed at that moment (client id = thing name);
   * replaces `readCredentials` and the file connection (a PKCS#11 key, for instance).
   */
  connect?: (clientId: string) => MqttConnector;
  /** Time between the component asking for a restart and Greengrass coming back. */
  restartDelayMs?: number;
  /** Shared with the other cores of this machine: key generations take turns (see CpuGate). */
  cpu?: CpuGate;
  /**
   * Decides each restart the component asks for: how long Greengrass takes to come back, or
   * `stay-down` when it does not come back by itself (start() brings it back). Overrides
   * `restartDelayMs`; for fault injection.
   */
  restartPolicy?: () => { delayMs: number } | 'stay-down';
}

export type CoreStatus = 'stopped' | 'running' | 'restarting' | 'killed';

/**
 * One simulated Greengrass core in this process: it reads its effective configuration,
 * connects to the broker as the nucleus would (client id = thing name) and runs the real
 * component code over a direct MQTT transport. A restart requested by the component tears
 * down the connection and the component and starts both again, as `systemctl restart
 * greengrass` does.
 */
export class InlineCore {
  private mqtt: ReconnectingIotMqtt | undefined;
  private rotator: RotatorHandle | undefined;
  private status: CoreStatus = 'stopped';
  private generation = 0;
  /** Number of Greengrass restarts the component asked for. */
  restarts = 0;
  private readonly restartListeners: Array<() => void> = [];

  constructor(private readonly options: InlineCoreOptions) {}

  get thingName(): string {
    return this.options.paths.thingName;
  }

  get coreStatus(): CoreStatus {
    return this.status;
  }

  /** The component's state machine state, or the core's status when the component is not running. */
  componentState(): StateName | CoreStatus {
    return this.rotator?.state() ?? this.status;
  }

  setAlgorithms(algorithms: AlgorithmConfig): void {
    this.options.algorithms = algorithms;
  }

  /**
   * A configuration deployment: the component validates the merged configuration as it does over
   * IPC, and a rejection fails the deployment and leaves the configuration in force unchanged.
   */
  deployConfiguration(merge: Record<string, unknown>): { status: 'SUCCEEDED' | 'FAILED'; message: string } {
    const result = validateAlgorithmConfig({ ...this.options.algorithms, ...merge });
    if (!result.valid) return { status: 'FAILED', message: result.message };
    this.options.algorithms = result.config;
    return { status: 'SUCCEEDED', message: result.message };
  }

  onRestart(listener: () => void): void {
    this.restartListeners.push(listener);
  }

  async start(): Promise<void> {
    const generation = ++this.generation;
    const { paths, logger } = this.options;
    const config = resolveEffectiveConfig({
      cwd: paths.componentWorkDir,
      env: { AWS_IOT_THING_NAME: paths.thingName },
      readFile: (file) => readFileSync(file, 'utf8'),
      fileExists: (file) => existsSync(file),
      platform: 'linux',
    });
    const mqtt = this.options.connect
      ? new ReconnectingIotMqtt(this.options.connect(config.thingName), config.thingName, logger)
      : new ReconnectingMqtt(
          this.options.broker,
          config.thingName,
          this.options.readCredentials ?? (() => readFileCredentials(paths)),
          logger,
        );
    this.mqtt = mqtt;
    this.status = 'running';
    await mqtt.start();
    const storeArgs = {
      certificateFilePath: config.certificateFilePath,
      privateKeyPath: config.privateKeyPath,
      workDirectory: paths.componentWorkDir,
      logger,
    };
    const ownStore = this.options.createStore
      ? this.options.createStore(storeArgs)
      : new FileCredentialStore({
          certificatePath: config.certificateFilePath,
          privateKeyPath: config.privateKeyPath,
          workDirectory: paths.componentWorkDir,
          logger,
        });
    const store = this.options.cpu ? gatedKeyGeneration(ownStore, this.options.cpu) : ownStore;
    const rotator = await startRotator({
      thingName: config.thingName,
      mqtt,
      store,
      algorithms: () => this.options.algorithms,
      restart: () => this.onComponentExit(generation),
      clock: this.options.clock,
      logger,
    });
    if (generation === this.generation) this.rotator = rotator;
    else await rotator.stop();
  }

  private async onComponentExit(generation: number): Promise<void> {
    if (generation !== this.generation || this.status !== 'running') return;
    this.restarts += 1;
    this.status = 'restarting';
    await this.teardown();
    for (const listener of this.restartListeners) listener();
    const policy = this.options.restartPolicy?.() ?? { delayMs: this.options.restartDelayMs ?? 50 };
    if (policy === 'stay-down') {
      this.status = 'stopped';
      return;
    }
    const delay = policy.delayMs;
    setTimeout(() => {
      if (this.status === 'restarting')
        void this.start().catch((e: Error) => this.options.logger.error('Greengrass failed to start', { reason: e.message }));
    }, delay);
  }

  private async teardown(): Promise<void> {
    this.generation += 1;
    const rotator = this.rotator;
    const mqtt = this.mqtt;
    this.rotator = undefined;
    this.mqtt = undefined;
    await rotator?.stop();
    await mqtt?.close();
  }

  /** Power cut: everything stops at once; files stay as they are. */
  async kill(): Promise<void> {
    this.status = 'killed';
    await this.teardown();
  }

  async stop(): Promise<void> {
    this.status = 'stopped';
    await this.teardown();
  }
}
