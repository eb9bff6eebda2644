import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateJobCommand, IoTClient } from '@aws-sdk/client-iot';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { startAwsStandIn, stderrLogger, type AwsStandIn } from '../../integration/aws/index.js';
import { deployBackend, standInClientConfig } from '../../integration/local/deploy-backend.js';
import { provisionFleet } from '../../integration/local/fleet.js';
import type { RunningCore } from '../../integration/local/fleet-runner.js';
import { startFleet, type NucleusMode } from '../../integration/local/start-fleet.js';
import { verifyCore } from '../../integration/local/verify-fleet.js';
import { waitForJobEnd } from '../fleet/job-wait.js';
import { awaitComponentProcess, bareNodeRssBytes, idleLoggedAtMs, residentBytes } from './component-process.js';
import { pollUntil, waitFor } from '../../shared/wait/poll.js';

const THING_GROUP = 'CertificateRotatorBenchCore';
/** The template's in-progress timeout, AWS minutes (deployBackend's default, as the demo's and the construct's). */
export const IN_PROGRESS_TIMEOUT_MINUTES = 5;
/** The demo's default AWS-minute speed-up (`npm run demo -- --minute-scale`): the in-progress timeout is then 150 s. */
export const DEMO_MINUTE_SCALE = 2;
/** A component process starting on a busy machine can take a while (see process-fleet's READY_TIMEOUT_MS). */
const START_TIMEOUT_MS = 180_000;
/** How long the component sits idle before its RSS is read: the start-up's garbage has a chance to go. */
export const IDLE_SETTLE_MS = 5_000;

export interface OneCoreSpec {
  mode: NucleusMode;
  rotations: number;
  /** Process mode: how many times the core loses power and boots again, for start-up and idle RSS. */
  starts: number;
  minuteScale: number;
  algorithms: AlgorithmConfig;
}

export interface ComponentStart {
  /** Component process start (as /proc has it) to its log line reaching Idle, ms. */
  startupMs: number;
  /** The component process's VmRSS, idle, bytes. */
  idleRssBytes: number;
}

export interface OneCoreResult {
  spec: OneCoreSpec;
  /** CreateJob sent to the execution's last update (SUCCEEDED or another terminal status), ms, per job. */
  rotations: Array<{ ms: number; status: string; reason?: string }>;
  starts: ComponentStart[];
  /** Process mode: VmRSS of a Node.js process that loads nothing, for comparison. */
  bareNodeRssBytes?: number;
  /** After the last rotation the core cannot connect with what it has installed, or its thing holds another ACTIVE certificate. */
  bricked: boolean;
  setupMs: number;
}

/** Waits until the backend's functions are idle and the thing has exactly one certificate again. */
async function settled(standIn: AwsStandIn, thingName: string): Promise<void> {
  await standIn.rules.whenIdle();
  await waitFor(`${thingName} to have one certificate`, () => standIn.model.registry.listThingPrincipals(thingName).length === 1, {
    timeoutMs: START_TIMEOUT_MS,
    intervalMs: 20,
  });
  await standIn.rules.whenIdle();
}

/** Loses power, boots again, and times the component's start in its own process. */
async function measureStart(core: RunningCore, previousPid: number | undefined): Promise<ComponentStart & { pid: number }> {
  await core.powerCut();
  await core.start();
  const component = await awaitComponentProcess(core.core.paths.root, previousPid, START_TIMEOUT_MS);
  const { value: idleAt, done } = await pollUntil(
    () => idleLoggedAtMs(core.core.paths.componentLogPath, component.startedAtMs),
    (at) => at !== undefined,
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 },
  );
  if (!done || idleAt === undefined) throw new Error(`the component (pid ${component.pid}) did not log reaching Idle`);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
  return { pid: component.pid, startupMs: idleAt - component.startedAtMs, idleRssBytes: await residentBytes(component.pid) };
}

/**
 * One core, set up as the demo sets up its fleet (stand-in with AWS's quotas, backend deployed
 * from the construct's settings, the core provisioned and started in `mode`), rotated
 * `rotations` times one job after another; in process mode, then booted `starts` times.
 */
export async function runOneCore(spec: OneCoreSpec, progress: (line: string) => void): Promise<OneCoreResult> {
  const setupStart = Date.now();
  const minuteMs = 60_000 / spec.minuteScale;
  const standIn = await startAwsStandIn({ minuteMs, logger: stderrLogger('error') });
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'bench-core-'));
  let fleet: RunningCore[] = [];
  try {
    const backend = await deployBackend(standIn, {
      issuer: 'iot',
      logLevel: 'ERROR',
      inProgressTimeoutMinutes: IN_PROGRESS_TIMEOUT_MINUTES,
    });
    const cores = await provisionFleet(standIn, { count: 1, workDir, thingGroupName: THING_GROUP, algorithms: spec.algorithms });
    fleet = await startFleet(standIn, cores, {
      nucleus: spec.mode,
      hsm: false,
      algorithms: spec.algorithms,
      componentTimerScale: 1,
      projectRoot: process.cwd(),
      workDir,
      thingGroupName: THING_GROUP,
      say: (line) => progress(`core-rotation (${spec.mode}): ${line}`),
    });
    const core = fleet[0];
    if (!core) throw new Error('no core started');
    const setupMs = Date.now() - setupStart;
    const iot = new IoTClient(standInClientConfig(standIn));
    const group = standIn.model.registry.things.describeThingGroup(THING_GROUP);
    const rotations: OneCoreResult['rotations'] = [];
    try {
      for (let i = 1; i <= spec.rotations; i++) {
        // As an operator would: the previous rotation's terminal function has retired the old certificate.
        await settled(standIn, core.core.thingName);
        const jobId = `bench-core-${spec.mode}-${i}-${Date.now()}`;
        const created = Date.now();
        await iot.send(
          new CreateJobCommand({
            jobId,
            jobTemplateArn: backend.jobTemplateArn,
            targets: [group.thingGroupArn],
            targetSelection: 'SNAPSHOT',
          }),
        );
        // One rollout window and one in-progress timeout, with room for a loaded machine.
        const deadline = created + (1 + IN_PROGRESS_TIMEOUT_MINUTES) * minuteMs * 1.5 + 60_000;
        const end = await waitForJobEnd(standIn.model, jobId, 1, deadline, 20);
        const execution = end.executions[0];
        const status = end.done && execution ? execution.status : 'UNFINISHED';
        const detail = status === 'SUCCEEDED' ? undefined : execution?.statusDetails?.['DeviceFailureReason'];
        const reason = detail === undefined ? undefined : String(detail);
        rotations.push({ ms: (execution?.lastUpdatedAt ?? Date.now()) - created, status, ...(reason ? { reason } : {}) });
        progress(
          `core-rotation (${spec.mode}): rotation ${i}/${spec.rotations} ${status} in ${rotations.at(-1)?.ms ?? 0} ms${reason ? `: ${reason}` : ''}`,
        );
      }
    } finally {
      iot.destroy();
    }
    const starts: ComponentStart[] = [];
    let pid: number | undefined;
    for (let i = 1; spec.mode === 'process' && i <= spec.starts; i++) {
      const start = await measureStart(core, pid);
      pid = start.pid;
      starts.push({ startupMs: start.startupMs, idleRssBytes: start.idleRssBytes });
      progress(`core-rotation (process): start ${i}/${spec.starts} ready in ${start.startupMs.toFixed(0)} ms`);
    }
    await core.stop();
    fleet = [];
    await standIn.rules.whenIdle();
    const outcome = await verifyCore(standIn, core.core, core.probe);
    const bare = spec.mode === 'process' ? { bareNodeRssBytes: await bareNodeRssBytes(IDLE_SETTLE_MS) } : {};
    return { spec, rotations, starts, ...bare, bricked: outcome.bricked || outcome.registryInconsistent, setupMs };
  } finally {
    for (const core of fleet) await core.stop().catch(() => undefined);
    await standIn.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
