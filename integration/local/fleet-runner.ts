import os from 'node:os';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import type { AwsStandIn } from '../aws/index.js';
import { fileLogger } from '../device/file-logger.js';
import { InlineCore, type InlineCoreOptions } from '../device/inline-core.js';
import type { BrokerAddress } from '../device/reconnecting-mqtt.js';
import type { Clock } from '../../component/src/runtime/rotator-deps.js';
import { scaledClock } from '../device/scaled-clock.js';
import { CpuGate } from '../device/shared-cpu.js';
import type { ProvisionedCore } from './fleet.js';
import { fileCredentialsProbe, type InstalledCredentialsProbe } from './verify-fleet.js';

/** A running simulated core, whatever runs it (in this process, or the component as a process). */
export interface RunningCore {
  core: ProvisionedCore;
  /** The component's state, or why it is not running. */
  componentState(): string;
  /**
   * The rotator's state machine state when its component runs (`Idle`, `CreatingCertificate`...),
   * else `stopped` or `restarting`, or what the core's Greengrass says.
   */
  rotatorState(): Promise<string>;
  restarts(): number;
  /** Greengrass restarts, config deployments, power cuts: what tests and the demo do to a core. */
  deployConfiguration(configuration: Record<string, unknown>): Promise<{ status: 'SUCCEEDED' | 'FAILED'; message: string }>;
  powerCut(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Called each time the component asks Greengrass to restart. */
  onRestart(listener: () => void): void;
  probe: InstalledCredentialsProbe;
}

export interface FleetRunnerOptions {
  algorithms: AlgorithmConfig;
  /** How many times faster than real time the component's own timers run; 1 is what a device does. */
  componentTimerScale: number;
  /** How long an inline core's Greengrass takes to come back after a restart (default 50 ms). */
  restartDelayMs?: number;
  /** How many cores may generate a key at once (default: see defaultKeyGenerationSlots). */
  keyGenerationSlots?: number;
  /** Called as each core has started: a large fleet, or process-mode cores, take a while. */
  onStarted?: (started: number, total: number) => void;
}

/**
 * Key generation runs on libuv's thread pool (UV_THREADPOOL_SIZE, 4 by default), as do the
 * stand-in's certificate signing and file writes: cores take at most one thread per CPU core and
 * always leave two to the rest.
 */
export function defaultKeyGenerationSlots(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(os.availableParallelism(), pool - 2));
}

/** What differs between inline cores: how they keep and present their credentials. */
export interface InlineCredentials {
  createStore?: InlineCoreOptions['createStore'];
  connect?: InlineCoreOptions['connect'];
  probe: InstalledCredentialsProbe;
}

/** One inline core as a RunningCore; its component logs where Greengrass would put them. */
export function runningInlineCore(
  core: ProvisionedCore,
  shared: {
    broker: BrokerAddress;
    clock: Clock;
    algorithms: AlgorithmConfig;
    restartDelayMs?: number;
    cpu?: CpuGate;
    restartPolicy?: InlineCoreOptions['restartPolicy'];
  },
  credentials: InlineCredentials,
): RunningCore {
  const logger = fileLogger(core.paths.componentLogPath, { thingName: core.thingName });
  const inline = new InlineCore({
    paths: core.paths,
    ...shared,
    logger,
    ...(credentials.createStore ? { createStore: credentials.createStore } : {}),
    ...(credentials.connect ? { connect: credentials.connect } : {}),
  });
  return {
    core,
    componentState: () => inline.componentState(),
    rotatorState: async () => inline.componentState(),
    restarts: () => inline.restarts,
    deployConfiguration: async (configuration) => inline.deployConfiguration(configuration),
    powerCut: () => inline.kill(),
    start: () => inline.start(),
    onRestart: (listener) => inline.onRestart(listener),
    stop: async () => {
      await inline.stop();
      await logger.close();
    },
    probe: credentials.probe,
  };
}

/** Starts the cores one after another, as a fleet comes online; also spreads the TLS handshakes. */
export async function startAll(running: RunningCore[], onStarted?: FleetRunnerOptions['onStarted']): Promise<RunningCore[]> {
  for (const [i, r] of running.entries()) {
    await r.start();
    onStarted?.(i + 1, running.length);
  }
  return running;
}

/** Runs each core's component inside this process with a direct MQTT transport (inline mode). */
export async function startInlineFleet(standIn: AwsStandIn, cores: ProvisionedCore[], options: FleetRunnerOptions): Promise<RunningCore[]> {
  const shared = {
    clock: scaledClock(options.componentTimerScale),
    broker: { host: standIn.mqtt.host, port: standIn.mqtt.port, caPem: standIn.mqtt.caCertificatePem },
    algorithms: options.algorithms,
    cpu: new CpuGate(options.keyGenerationSlots ?? defaultKeyGenerationSlots()),
    ...(options.restartDelayMs === undefined ? {} : { restartDelayMs: options.restartDelayMs }),
  };
  return startAll(
    cores.map((core) => runningInlineCore(core, shared, { probe: fileCredentialsProbe(standIn, core) })),
    options.onStarted,
  );
}
