import { readFile } from 'node:fs/promises';
import { readFileCredentials } from '../greengrass-root.js';
import { ReconnectingIotMqtt, ReconnectingMqtt } from '../reconnecting-mqtt.js';
import type { ConfigStore, ConfigTree } from './config-store.js';
import { proposeConfiguration, validateProposal, type ConfigurationUpdate, type DeploymentResult } from './configuration-deployment.js';
import { CloudDeployments } from './deployment/cloud-deployments.js';
import { installArtifacts } from './deployment/install-artifacts.js';
import type { PublishedComponent } from './deployment/publish.js';
import { linuxManifest } from './deployment/recipe.js';
import { componentEnvironment, deviceLayout, prepareRoot, recipeVariables, type DeviceLayout } from './device-layout.js';
import type { NucleusOptions } from './nucleus-options.js';
import { NUCLEUS_SERVICE, prepareDevice } from './prepare-device.js';
import type { IpcServer } from './ipc/ipc-server.js';
import { startNucleusIpc } from './nucleus-ipc.js';
import { ComponentLog } from './lifecycle/component-log.js';
import { ComponentRunner, type ComponentState } from './lifecycle/component-runner.js';
import type { RestartChannel } from './lifecycle/restart-channel.js';
import { MqttRouter } from './mqtt-router.js';
import { interpolateTree, type RecipeVariableContext } from './recipe-variables.js';
import { DEFAULT_VALIDATION_TIMEOUT_MS, ValidationBroker } from './validation-broker.js';

export { NUCLEUS_SERVICE };
export type { NucleusCredentials, NucleusOptions } from './nucleus-options.js';

export type NucleusStatus = 'running' | 'restarting' | 'stopped' | 'off';

/** Deploys the component and starts the nucleus. */
export async function startNucleus(options: NucleusOptions): Promise<Nucleus> {
  const nucleus = await Nucleus.deploy(options);
  await nucleus.start();
  return nucleus;
}

/**
 * A Greengrass nucleus stand-in for one device: serves Greengrass IPC on `<root>/ipc.socket`,
 * holds the device's AWS IoT connection, runs the deployed component's lifecycle scripts and
 * restarts itself (reconnecting with the credentials installed then) when the Run script asks.
 * Its component comes from a local deployment, or from Greengrass deployments (`cloud`).
 */
export class Nucleus {
  private statusValue: NucleusStatus = 'stopped';
  private ipc: IpcServer | undefined;
  private mqtt: ReconnectingIotMqtt | undefined;
  private router: MqttRouter | undefined;
  private runner: ComponentRunner | undefined;
  private restarts = 0;
  private generation = 0;
  private readonly restartListeners: Array<() => void> = [];
  private readonly stateListeners: Array<(state: ComponentState) => void> = [];
  private readonly validation = new ValidationBroker();
  private rawConfiguration: ConfigTree = {};
  private cloudDeployments: CloudDeployments | undefined;

  private constructor(
    private readonly options: NucleusOptions,
    /** The deployed component (undefined until a deployment brings one); deployments replace it. */
    public component: PublishedComponent | undefined,
    /** The device's files, with the paths of the deployed component. */
    public layout: DeviceLayout,
    private readonly config: ConfigStore,
    private readonly channel: RestartChannel,
    private log: ComponentLog | undefined,
  ) {}

  /** Publishes and installs a local deployment (when given one) and lays out the root. */
  static async deploy(options: NucleusOptions): Promise<Nucleus> {
    const device = await prepareDevice(options);
    const nucleus = new Nucleus(options, device.component, device.layout, device.config, device.channel, device.log);
    if (device.component) {
      const raw = proposeConfiguration(device.defaults, device.defaults, { merge: options.componentConfiguration ?? {} });
      device.config.setService(device.component.name, nucleus.resolve(raw), {
        componentType: 'GENERIC',
        version: device.component.version,
      });
      nucleus.rawConfiguration = raw;
    }
    await device.config.write();
    return nucleus;
  }

  get status(): NucleusStatus {
    return this.statusValue;
  }

  /** Restarts the Run script asked for (`systemctl restart greengrass`). */
  get restartCount(): number {
    return this.restarts;
  }

  get componentState(): ComponentState {
    return this.runner?.state ?? 'NEW';
  }

  /** The component's configuration as the nucleus holds it now (interpolated). */
  componentConfiguration(): ConfigTree {
    return this.component ? (this.config.configuration(this.component.name) ?? {}) : {};
  }

  /** Topic filters the component subscribes to over IPC right now (one entry per open stream). */
  componentSubscriptions(): string[] {
    return this.router?.filters() ?? [];
  }

  /** Whether the nucleus's AWS IoT connection is up. */
  get connected(): boolean {
    return this.mqtt?.connected ?? false;
  }

  onRestart(listener: () => void): void {
    this.restartListeners.push(listener);
  }

  onComponentState(listener: (state: ComponentState) => void): void {
    this.stateListeners.push(listener);
  }

  componentLog(): Promise<string> {
    return this.component ? readFile(this.layout.logPath, 'utf8').catch(() => '') : Promise.resolve('');
  }

  /** Boots the nucleus: IPC, the AWS IoT connection with the installed credentials, the component. */
  async start(): Promise<void> {
    if (this.statusValue === 'running') throw new Error('the nucleus is already running');
    const generation = ++this.generation;
    const { options, layout } = this;
    this.statusValue = 'running';
    await this.channel.listen((request) => void (request === 'restart' ? this.restart() : this.stop()));
    if (generation !== this.generation) {
      // Cut short: the channel is this boot's to close unless a newer boot has taken it over.
      if (this.statusValue !== 'running') this.channel.close();
      return;
    }
    const ipc = await startNucleusIpc({
      socketPath: layout.socketPath,
      logger: options.logger,
      config: this.config,
      validation: this.validation,
      router: () => this.router,
    });
    if (generation !== this.generation) {
      // Stopped or powered off while IPC was coming up: nothing of this boot may outlive it.
      await ipc.close();
      return;
    }
    this.ipc = ipc;
    const system = this.config.system;
    const credentials = options.credentials;
    this.mqtt =
      credentials.kind === 'pkcs11'
        ? new ReconnectingIotMqtt(credentials.connect(options.thingName), options.thingName, options.logger)
        : new ReconnectingMqtt(options.broker, options.thingName, () => readFileCredentials(system), options.logger);
    this.router = new MqttRouter(this.mqtt);
    await this.mqtt.start();
    if (generation !== this.generation) return;
    this.startComponent();
    if (options.cloud) {
      this.cloudDeployments ??= new CloudDeployments(this, {
        cloud: options.cloud,
        thingName: options.thingName,
        root: options.root,
        logger: options.logger,
      });
      await this.cloudDeployments.connect(this.mqtt);
    }
  }

  /** Starts the deployed component's lifecycle, if there is a component. */
  private startComponent(): ComponentRunner | undefined {
    const { options, component, layout, ipc, log } = this;
    if (!component || !ipc || !log) return undefined;
    const svcuid = ipc.issueToken(component.name);
    const runner = new ComponentRunner({
      name: component.name,
      manifest: linuxManifest(component.recipe),
      variables: () => ({ ...this.variables(), configuration: this.componentConfiguration() }),
      env: () =>
        componentEnvironment({
          layout,
          thingName: options.thingName,
          region: options.region ?? 'us-east-1',
          svcuid,
          shimDir: this.channel.binDir,
          ...(options.env ? { extra: options.env } : {}),
        }),
      workPath: layout.workPath,
      log,
      logger: options.logger,
    });
    runner.onStateChange((state) => {
      for (const listener of [...this.stateListeners]) listener(state);
    });
    this.runner = runner;
    void runner.start();
    return runner;
  }

  /**
   * A deployment of another component version: artifacts checked (DeploymentError before any
   * change), the running version stopped, its configuration carried over with the update, the new
   * version started. Resolves with its runner (undefined when the nucleus is not running).
   */
  async replaceComponent(next: PublishedComponent, update: ConfigurationUpdate): Promise<ComponentRunner | undefined> {
    const { options } = this;
    await installArtifacts(options.root, next, options.logger);
    const previous = this.component;
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
    const defaults = next.recipe.ComponentConfiguration?.DefaultConfiguration ?? {};
    const raw = proposeConfiguration(previous?.name === next.name ? this.rawConfiguration : defaults, defaults, update);
    this.component = next;
    this.layout = deviceLayout(options.root, options.thingName, next);
    await prepareRoot(this.layout, options.broker.caPem);
    this.log = new ComponentLog(this.layout.logPath, next.name);
    this.rawConfiguration = raw;
    this.config.setService(next.name, this.resolve(raw), { componentType: 'GENERIC', version: next.version });
    await this.config.write();
    return this.statusValue === 'running' ? this.startComponent() : undefined;
  }

  /** `systemctl stop greengrass`: the component is stopped, then the connection and IPC. */
  async stop(): Promise<void> {
    this.generation += 1;
    this.statusValue = 'stopped';
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
    await this.teardown();
  }

  /** Power cut: every process of the component killed at once, the broker connection dropped; resolves once both are gone. */
  async powerCut(): Promise<void> {
    this.generation += 1;
    this.statusValue = 'off';
    const runner = this.runner;
    this.runner = undefined;
    await Promise.all([runner?.kill(), this.teardown()]);
  }

  /** `systemctl restart greengrass`: stop, then start again after `restartDelayMs`. */
  async restart(): Promise<void> {
    if (this.statusValue !== 'running') return;
    this.restarts += 1;
    this.options.logger.info('Restarting the nucleus', { thingName: this.options.thingName, restarts: this.restarts });
    // stop() moves the generation on before its first await; whatever moves it after that
    // (a power cut, an explicit stop or start) happened during the stop.
    const stopping = this.stop();
    const generation = this.generation;
    await stopping;
    if (generation !== this.generation) return;
    this.statusValue = 'restarting';
    for (const listener of [...this.restartListeners]) listener();
    await new Promise((resolve) => setTimeout(resolve, this.options.restartDelayMs ?? 100));
    if (this.statusValue === 'restarting' && generation === this.generation) await this.start();
  }

  /**
   * A deployment that changes only the component's configuration: the running component
   * validates the proposal over IPC first; a rejection fails the deployment and changes nothing.
   */
  async deployConfiguration(update: ConfigurationUpdate, validationTimeoutMs?: number): Promise<DeploymentResult> {
    const component = this.component;
    if (!component) throw new Error('no component is deployed to configure');
    const name = component.name;
    const defaults = component.recipe.ComponentConfiguration?.DefaultConfiguration ?? {};
    const raw = proposeConfiguration(this.rawConfiguration, defaults, update);
    const proposed = this.resolve(raw);
    const timeout = validationTimeoutMs ?? this.options.validationTimeoutMs ?? DEFAULT_VALIDATION_TIMEOUT_MS;
    const { deploymentId, failure } = await validateProposal(this.validation, name, proposed, timeout);
    if (failure !== undefined) {
      this.options.logger.warn('Configuration deployment failed', { deploymentId, component: name, reason: failure });
      return { deploymentId, status: 'FAILED', message: failure };
    }
    this.rawConfiguration = raw;
    this.config.setConfiguration(name, proposed);
    await this.config.write();
    return { deploymentId, status: 'SUCCEEDED', message: 'Successfully deployed' };
  }

  /** Interpolates recipe variables in the configuration when the nucleus is set to. */
  private resolve(raw: ConfigTree): ConfigTree {
    const interpolate = this.config.configuration(NUCLEUS_SERVICE)?.interpolateComponentConfiguration === true;
    return interpolate ? (interpolateTree(raw, this.variables()) as ConfigTree) : raw;
  }

  private variables(): RecipeVariableContext {
    return recipeVariables(this.layout, this.component?.name ?? '', this.options.thingName);
  }

  private async teardown(): Promise<void> {
    this.channel.close();
    const mqtt = this.mqtt;
    const ipc = this.ipc;
    this.mqtt = undefined;
    this.router = undefined;
    this.ipc = undefined;
    await mqtt?.close();
    await ipc?.close();
  }
}
