import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import type { AwsStandIn } from '../aws/index.js';
import { buildComponent } from '../../component/build/gdk-build.js';
import { ensureComponentBuild } from './component-build.js';
import type { ProvisionedCore } from './fleet.js';
import { startInlineFleet, type FleetRunnerOptions, type RunningCore } from './fleet-runner.js';
import { startHsmInlineFleet } from './hsm-fleet.js';
import { startProcessFleet } from './process-fleet.js';

export type NucleusMode = 'process' | 'inline';

export interface StartFleetOptions {
  nucleus: NucleusMode;
  hsm: boolean;
  algorithms: AlgorithmConfig;
  /**
   * Inline cores only: how many times faster than real time the component's own timers run
   * (default 1). Process-mode cores run the built component, always with its real timers.
   */
  componentTimerScale?: number;
  /** Inline cores only: how long Greengrass takes to come back after a restart. */
  restartDelayMs?: number;
  projectRoot: string;
  workDir: string;
  onStarted?: FleetRunnerOptions['onStarted'];
  /** The cores' thing group: process mode deploys the component to it through Greengrass. */
  thingGroupName: string;
  /** Build the component into this folder instead of using (or making) greengrass-build/. */
  freshBuildDir?: string;
  /** Process mode: cores laid out as AWS IoT fleet provisioning leaves them. */
  provisionedByClaim?: boolean;
  say: (line: string) => void;
}

/**
 * The fastest the tests run inline cores' timers: the backend's functions run at real speed, each
 * in an execution environment of its own, and x3 leaves a core 10 s where it has 30 s, room for a
 * cold start, an RSA key in SoftHSM2, a TLS reconnect and a dozen AWS calls on a busy machine
 * (x10 left 3 s, and rotations failed on a loaded one).
 */
export const INLINE_TEST_TIME_SCALE = 3;

/** Starts the fleet's cores in the chosen mode. */
export async function startFleet(standIn: AwsStandIn, cores: ProvisionedCore[], options: StartFleetOptions): Promise<RunningCore[]> {
  const runner = {
    algorithms: options.algorithms,
    componentTimerScale: options.componentTimerScale ?? 1,
    ...(options.onStarted ? { onStarted: options.onStarted } : {}),
    ...(options.restartDelayMs === undefined ? {} : { restartDelayMs: options.restartDelayMs }),
  };
  if (options.nucleus === 'inline') return (options.hsm ? startHsmInlineFleet : startInlineFleet)(standIn, cores, runner);
  const build = options.freshBuildDir
    ? await buildComponent({ projectRoot: options.projectRoot, outDir: options.freshBuildDir })
    : await ensureComponentBuild(options.projectRoot, options.say);
  return startProcessFleet(standIn, cores, {
    ...runner,
    build,
    projectRoot: options.projectRoot,
    thingGroupName: options.thingGroupName,
    hsm: options.hsm,
    say: options.say,
    ...(options.provisionedByClaim ? { provisionedByClaim: true } : {}),
  });
}
