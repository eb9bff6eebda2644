import {
  DEMO_MINUTE_SCALE,
  IDLE_SETTLE_MS,
  IN_PROGRESS_TIMEOUT_MINUTES,
  runOneCore,
  type OneCoreResult,
  type OneCoreSpec,
} from './core/one-core.js';
import { mebibytes, ms } from './report.js';
import { summarize } from './stats.js';
import type { Benchmark, BenchContext, BenchResult, BenchTable } from './types.js';

const ROTATIONS = { full: 20, quick: 3 };
const STARTS = { full: 7, quick: 2 };
const ALGORITHMS = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } as const;

function rotationRow(r: OneCoreResult): Array<string | number> {
  const succeeded = r.rotations.filter((x) => x.status === 'SUCCEEDED').map((x) => x.ms);
  const s = succeeded.length > 0 ? summarize(succeeded) : undefined;
  return [
    r.spec.mode,
    `${succeeded.length}/${r.rotations.length}`,
    s ? ms(s.median) : '-',
    s ? ms(s.p95) : '-',
    s ? ms(s.min) : '-',
    s ? ms(s.max) : '-',
    r.bricked ? 'yes !!' : 'no',
    (r.setupMs / 1000).toFixed(1),
  ];
}

function startTable(r: OneCoreResult): BenchTable {
  const startup = summarize(r.starts.map((s) => s.startupMs));
  const rss = summarize(r.starts.map((s) => s.idleRssBytes));
  return {
    title: "The component's start-up and idle memory in process mode (its own Node.js process)",
    columns: [
      'samples',
      'start-up p50 ms',
      'start-up p95 ms',
      'start-up min ms',
      'idle RSS p50 MiB',
      'idle RSS max MiB',
      'bare node RSS MiB',
    ],
    rows: [
      [
        r.starts.length,
        ms(startup.median),
        ms(startup.p95),
        ms(startup.min),
        mebibytes(rss.median),
        mebibytes(rss.max),
        r.bareNodeRssBytes === undefined ? '-' : mebibytes(r.bareNodeRssBytes),
      ],
    ],
    notes: [
      'start-up: the node process start (/proc/<pid>/stat, 10 ms ticks) to the line the component logs on reaching Idle',
      '  (subscribed to its nine topics, its next-job request answered, nothing to do); each sample a power cut and boot of the core',
      `bare node RSS: a Node.js ${process.version} process that loads nothing, for comparison`,
      `idle RSS: VmRSS of the component's node process ${IDLE_SETTLE_MS / 1000} s after it logged Idle (the sh of the Run script not counted); aim under 60 MiB`,
    ],
  };
}

async function run(context: BenchContext): Promise<BenchResult> {
  const size = context.quick ? 'quick' : 'full';
  // AWS's own pace by default (--minute-scale 1), which shortens nothing; the demo's default is x2.
  const { minuteScale } = context;
  const results: OneCoreResult[] = [];
  for (const mode of ['inline', 'process'] as const) {
    const spec: OneCoreSpec = { mode, rotations: ROTATIONS[size], starts: STARTS[size], minuteScale, algorithms: ALGORITHMS };
    context.progress(`core-rotation: one ${mode} core, ${spec.rotations} rotations`);
    results.push(await runOneCore(spec, context.progress));
  }
  const processRun = results.find((r) => r.spec.mode === 'process');
  const alerts = results.flatMap((r) => [
    ...(r.bricked ? [`core-rotation (${r.spec.mode}): the core no longer connects with what it has installed`] : []),
    ...r.rotations
      .map((x, i) => ({ ...x, i }))
      .filter((x) => x.status !== 'SUCCEEDED')
      .map((x) => `core-rotation (${r.spec.mode}): rotation ${x.i + 1} ended ${x.status}${x.reason ? ` (${x.reason})` : ''}`),
  ]);
  return {
    name: 'core-rotation',
    tables: [
      {
        title: `One core's rotation, CreateJob to SUCCEEDED, ${ROTATIONS[size]} jobs one after another, ms`,
        columns: ['mode', 'succeeded', 'p50', 'p95', 'min', 'max', 'bricked', 'setup s'],
        rows: results.map(rotationRow),
        notes: [
          `${ALGORITHMS.keyAlgorithm}, AWS IoT Core issuing, the stand-in's AWS quotas on, component timers at real speed (30 s a step)`,
          `AWS minute x${minuteScale} (--minute-scale; the demo's default is x${DEMO_MINUTE_SCALE}): in-progress timeout ${IN_PROGRESS_TIMEOUT_MINUTES} AWS minutes = ${(IN_PROGRESS_TIMEOUT_MINUTES * 60) / minuteScale} s`,
          'inline: the component code in this process over direct MQTT; process: a nucleus stand-in deploys the built component',
          '  and runs it as its own process over Greengrass IPC, restarting it after the commit as Greengrass does',
        ],
      },
      ...(processRun && processRun.starts.length > 0 ? [startTable(processRun)] : []),
    ],
    data: results,
    alerts,
  };
}

/** Only the component's start-up and idle memory: one process-mode core booted again and again, no rotation. */
async function runStarts(context: BenchContext): Promise<BenchResult> {
  const spec: OneCoreSpec = {
    mode: 'process',
    rotations: 0,
    starts: STARTS[context.quick ? 'quick' : 'full'],
    minuteScale: context.minuteScale,
    algorithms: ALGORITHMS,
  };
  context.progress(`core-start: one process core, ${spec.starts} starts`);
  const result = await runOneCore(spec, context.progress);
  return {
    name: 'core-start',
    tables: result.starts.length > 0 ? [startTable(result)] : [],
    data: result,
    alerts: result.bricked ? ['core-start: the core no longer connects with what it has installed'] : [],
  };
}

export const coreStart: Benchmark = {
  name: 'core-start',
  description: "the component's start-up and idle RSS alone (core-rotation's second table, without the rotations; only with --only)",
  onlyWhenNamed: true,
  run: runStarts,
};

export const coreRotation: Benchmark = {
  name: 'core-rotation',
  description: "one core's rotation p50/p95 (inline and process mode); the component's start-up and idle RSS",
  run,
};
