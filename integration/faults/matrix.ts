import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildComponent } from '../../component/build/gdk-build.js';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { stderrLogger } from '../aws/index.js';
import { startAwsStandIn } from '../aws/index.js';
import { deployBackend } from '../local/deploy-backend.js';
import { provisionFleet } from '../local/fleet.js';
import { provisionHsmFleet } from '../local/hsm-fleet.js';
import { caseId, runCase, type CaseEnv, type CaseResult, type FaultCase } from './case-runner.js';
import { startFaultCores, type CoreMode, type FaultCore, type StoreKind } from './fault-cores.js';
import { kindsAt, type FaultKind } from './inject.js';
import { pointId, type ProtocolPoint } from './protocol-points.js';
import { recordTrace } from './protocol-trace.js';
import type { CaseTiming } from './settle.js';

export type Issuer = 'iot' | 'pca';

export interface MatrixOptions {
  store: StoreKind;
  mode: CoreMode;
  issuers: readonly Issuer[];
  /** Cores running cases side by side. */
  cores: number;
  /** Inline cores: component timers and AWS minutes this much faster than real time. */
  timeScale: number;
  /**
   * Which cells to run. `process`: power cuts at messages and at the restart (what needs the
   * nucleus). `inline`: every other cell. `all-inline`: every cell inline, power cuts included.
   */
  cells: 'process' | 'inline' | 'all-inline';
  /** Run at most this many cases per issuer (a quick look), in matrix order. */
  limit?: number;
  /** Only the cases whose id contains one of these. */
  only?: readonly string[];
  log: (line: string) => void;
  /** Called with each case as it ends. */
  onCase?: (result: CaseResult & { store: StoreKind; issuer: Issuer }) => void;
}

export interface MatrixRun {
  results: Array<CaseResult & { store: StoreKind; issuer: Issuer }>;
  points: Record<Issuer, string[]>;
  seconds: number;
}

const ALGORITHMS: AlgorithmConfig = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' };
const GROUP = 'FaultMatrixCores';

/** The cells of one scenario's points: every fault kind that applies at each point, as `cells` selects. */
export function cellsOf(points: readonly ProtocolPoint[], scenario: FaultCase['scenario'], cells: MatrixOptions['cells']): FaultCase[] {
  return points.flatMap((point) =>
    kindsAt(point)
      .filter((kind) => {
        const needsNucleus = kind === 'powerCut' && point.kind !== 'store';
        if (cells === 'process') return needsNucleus;
        if (cells === 'inline') return !needsNucleus;
        return true;
      })
      .map((kind: FaultKind): FaultCase => ({ point, kind, scenario })),
  );
}

/**
 * A process-mode core runs the built component with its real 30 s timeouts, so AWS IoT's job
 * minutes may be shortened only so far: 5 in-progress minutes must stay well above those steps.
 */
const PROCESS_MODE_MAX_TIME_SCALE = 2;

/** AWS IoT's minute as the matrix runs it. */
function minuteMsOf(options: Pick<MatrixOptions, 'mode' | 'timeScale'>): number {
  return 60_000 / (options.mode === 'process' ? Math.min(options.timeScale, PROCESS_MODE_MAX_TIME_SCALE) : options.timeScale);
}

/** How long a core's steps take as the matrix runs them. */
function timingOf(options: Pick<MatrixOptions, 'mode' | 'timeScale'>): CaseTiming {
  const componentTimeoutMs = options.mode === 'process' ? 30_000 : 30_000 / options.timeScale;
  return {
    componentTimeoutMs,
    inProgressTimeoutMs: 5 * minuteMsOf(options),
    downtimeMs: options.mode === 'process' ? 2_000 : 1_000,
    stuckAfterMs: 6 * componentTimeoutMs + 30_000,
  };
}

/** Stops a core, or says so and moves on when its component does not stop: the run must end either way. */
async function stopCore(core: FaultCore, withinMs: number, log: (line: string) => void): Promise<void> {
  const state = core.running.componentState();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), withinMs)));
  const stopped = core.running.stop().then(
    () => 'stopped' as const,
    () => 'stopped' as const,
  );
  if ((await Promise.race([stopped, late])) === 'late')
    log(`${core.thingName}: did not stop within ${Math.round(withinMs / 1000)} s; its component was in ${state}`);
  clearTimeout(timer);
}

/**
 * Runs the fault matrix for one credential store and one kind of core, for each issuer: records a
 * clean rotation and a rolled-back one, derives every point of the protocol from them, and runs
 * one job per point and fault kind, checking the invariants after each.
 */
export async function runMatrix(options: MatrixOptions): Promise<MatrixRun> {
  const started = Date.now();
  const minuteMs = minuteMsOf(options);
  const workDir = await mkdtemp(path.join(os.tmpdir(), `fault-matrix-${options.store}-${options.mode}-`));
  const standIn = await startAwsStandIn({ minuteMs, logger: stderrLogger('error') });
  const results: MatrixRun['results'] = [];
  const points: MatrixRun['points'] = { iot: [], pca: [] };
  let cores: FaultCore[] = [];
  try {
    const backend = await deployBackend(standIn, { issuer: 'iot', logLevel: 'SILENT' });
    const provision = {
      count: options.cores,
      workDir,
      thingGroupName: GROUP,
      algorithms: ALGORITHMS,
      thingNamePrefix: `${options.store}-${options.mode}-`,
    };
    const provisioned =
      options.store === 'pkcs11'
        ? await provisionHsmFleet(standIn, { ...provision, initialKeyAlgorithm: 'ECDSA-P256' })
        : await provisionFleet(standIn, provision);
    const build =
      options.mode === 'process'
        ? await buildComponent({ projectRoot: process.cwd(), outDir: path.join(workDir, 'greengrass-build') })
        : undefined;
    cores = await startFaultCores(standIn, provisioned, {
      store: options.store,
      mode: options.mode,
      algorithms: ALGORITHMS,
      timeScale: options.timeScale,
      ...(build ? { build, projectRoot: process.cwd(), thingGroupName: GROUP } : {}),
    });
    const env: CaseEnv = { standIn, jobTemplateArn: backend.jobTemplateArn, timing: timingOf(options), log: options.log };
    const [first] = cores;
    if (first === undefined) throw new Error('the matrix needs at least one core');
    for (const issuer of options.issuers) {
      await backend.useIssuer(issuer === 'pca' ? { kind: 'pca', signingAlgorithm: 'SHA256WITHRSA' } : { kind: 'iot' });
      const rotation = await recordTrace(env, first, 'rotation');
      const rollback = await recordTrace(env, first, 'rollback');
      const known = new Set(rotation.points.map((p) => JSON.stringify(p)));
      const rollbackOnly = rollback.points.filter((p) => !known.has(JSON.stringify(p)));
      points[issuer] = [...rotation.points.map(pointId), ...rollbackOnly.map((p) => `[rollback] ${pointId(p)}`)];
      const queue = [...cellsOf(rotation.points, 'rotation', options.cells), ...cellsOf(rollbackOnly, 'rollback', options.cells)]
        .filter((c) => options.only === undefined || options.only.some((part) => caseId(c).includes(part)))
        .slice(0, options.limit);
      options.log(
        `${options.store}/${options.mode}/${issuer}: ${points[issuer].length} points, ${queue.length} cases on ${cores.length} cores`,
      );
      // A case that cannot settle ends the run: the other cores finish the case they are on and take no more.
      let failure: Error | undefined;
      await Promise.all(
        cores.map(async (core) => {
          for (let next = queue.shift(); next !== undefined && failure === undefined; next = queue.shift()) {
            try {
              const result = { ...(await runCase(env, core, next)), store: options.store, issuer };
              results.push(result);
              options.onCase?.(result);
            } catch (error) {
              failure ??= error as Error;
            }
          }
        }),
      );
      if (failure !== undefined) throw failure;
    }
  } finally {
    for (const core of cores) await stopCore(core, timingOf(options).stuckAfterMs, options.log);
    await standIn.close();
    await rm(workDir, { recursive: true, force: true });
  }
  return { results, points, seconds: (Date.now() - started) / 1000 };
}
