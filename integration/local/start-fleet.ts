import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import type { AwsStandIn } from '../aws/index.js';
import { buildComponent } from '../../component/build/gdk-build.js';
import { ensureComponentBuild } from './component-build.js';
import type { ProvisionedCore } from './fleet.js';
import { startInlineFleet, type RunningCore } from './fleet-runner.js';
import { startHsmInlineFleet } from './hsm-fleet.js';
import { startProcessFleet } from './process-fleet.js';

export type NucleusMode = 'process' | 'inline';

export interface StartFleetOptions {
  nucleus: NucleusMode;
  hsm: boolean;
  algorithms: AlgorithmConfig;
  timeScale: number;
  /** Inline cores only: how long Greengrass takes to come back after a restart. */
  restartDelayMs?: number;
  projectRoot: string;
  workDir: string;
  /** The cores' thing group: process mode deploys the component to it through Greengrass. */
  thingGroupName: string;
  /** Build the component into this folder instead of using (or making) greengrass-build/. */
  freshBuildDir?: string;
  say: (line: string) => void;
}

/**
 * The component's real timeouts (30 s) apply in process mode, so AWS IoT's job minutes may be
 * shortened only so far: 5 in-progress minutes must stay well above a rotation's 30 s steps.
 */
export const PROCESS_MODE_MAX_TIME_SCALE = 2;

export function standInTimeScale(nucleus: NucleusMode, requested: number): number {
  return nucleus === 'process' ? Math.min(requested, PROCESS_MODE_MAX_TIME_SCALE) : requested;
}

/** Starts the fleet's cores in the chosen mode. */
export async function startFleet(standIn: AwsStandIn, cores: ProvisionedCore[], options: StartFleetOptions): Promise<RunningCore[]> {
  const runner = {
    algorithms: options.algorithms,
    timeScale: options.timeScale,
    ...(options.restartDelayMs === undefined ? {} : { restartDelayMs: options.restartDelayMs }),
  };
  if (options.nucleus === 'inline') return (options.hsm ? startHsmInlineFleet : startInlineFleet)(standIn, cores, runner);
  const build = options.freshBuildDir
    ? await buildComponent({ projectRoot: options.projectRoot, outDir: options.freshBuildDir })
    : await ensureComponentBuild(options.projectRoot, options.say);
  return startProcessFleet(standIn, cores, { ...runner, build, projectRoot: options.projectRoot, thingGroupName: options.thingGroupName, hsm: options.hsm, say: options.say });
}
