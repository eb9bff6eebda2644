import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import type { AwsStandIn } from '../aws/stand-in.js';
import { fileLogger } from '../device/file-logger.js';
import { InlineCore } from '../device/inline-core.js';
import { scaledClock } from '../device/scaled-clock.js';
import type { ProvisionedCore } from './fleet.js';
import { fileCredentialsProbe, type InstalledCredentialsProbe } from './verify-fleet.js';

/** A running simulated core, whatever runs it (in this process, or the component as a process). */
export interface RunningCore {
  core: ProvisionedCore;
  /** The component's state, or why it is not running. */
  componentState(): string;
  restarts(): number;
  /** Greengrass restarts, config deployments, power cuts: what tests and the demo do to a core. */
  deployConfiguration(configuration: Record<string, unknown>): Promise<{ status: 'SUCCEEDED' | 'FAILED'; message: string }>;
  powerCut(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  probe: InstalledCredentialsProbe;
}

export interface FleetRunnerOptions {
  algorithms: AlgorithmConfig;
  timeScale: number;
}

/** Runs each core's component inside this process with a direct MQTT transport (inline mode). */
export async function startInlineFleet(standIn: AwsStandIn, cores: ProvisionedCore[], options: FleetRunnerOptions): Promise<RunningCore[]> {
  const clock = scaledClock(options.timeScale);
  const broker = { host: standIn.mqtt.host, port: standIn.mqtt.port, caPem: standIn.mqtt.caCertificatePem };
  const running = cores.map((core): RunningCore => {
    // Each core's component logs where Greengrass would put them: <root>/logs/<component>.log.
    const logger = fileLogger(core.paths.componentLogPath, { thingName: core.thingName });
    const inline = new InlineCore({ paths: core.paths, broker, algorithms: options.algorithms, logger, clock });
    return {
      core,
      componentState: () => inline.componentState(),
      restarts: () => inline.restarts,
      deployConfiguration: async (configuration) => inline.deployConfiguration(configuration),
      powerCut: () => inline.kill(),
      start: () => inline.start(),
      stop: async () => {
        await inline.stop();
        await logger.close();
      },
      probe: fileCredentialsProbe(standIn, core),
    };
  });
  // Staggered like a real fleet coming online; also spreads the TLS handshakes.
  for (const r of running) await r.start();
  return running;
}
