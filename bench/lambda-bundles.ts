import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import {
  HANDLER_ENTRY_FILES,
  handlerBuildOptions,
  handlerEntry,
  PROJECT_ROOT,
  RUNTIME_ONLY_SDK_MODULES,
  type HandlerName,
} from '../backend/lib/handler-bundling.js';
import { summarize, type Summary } from './stats.js';
import type { Benchmark, BenchContext, BenchResult } from './types.js';

const run = promisify(execFile);
const IMPORTS = { full: 9, quick: 3 };

/**
 * `construct`: what the CDK construct deploys (handlerBuildOptions: the AWS SDK bundled, its schema
 * files with literal keys). `sdk-from-runtime`: the same with all of @aws-sdk/* left to the Lambda
 * runtime's copy; its import loads the SDK from this repository's node_modules, standing in for
 * the runtime's.
 */
type Variant = 'construct' | 'sdk-from-runtime';
const VARIANTS: readonly Variant[] = ['construct', 'sdk-from-runtime'];
const VARIANT_LABELS: Record<Variant, string> = {
  construct: 'bundled (deployed)',
  'sdk-from-runtime': 'from runtime (not deployed)',
};

/** What the construct bundles: each handler, and create-certificate once for each issuer. */
interface Target {
  handler: HandlerName;
  issuer?: 'iot' | 'pca';
}
const TARGETS: readonly Target[] = (Object.keys(HANDLER_ENTRY_FILES) as HandlerName[]).flatMap((handler): Target[] =>
  handler === 'create-certificate'
    ? [
        { handler, issuer: 'iot' },
        { handler, issuer: 'pca' },
      ]
    : [{ handler }],
);

export interface BundleFigure {
  handler: HandlerName;
  /** create-certificate: the backend's issuer, which decides its entry (see handlerEntry). */
  issuer?: 'iot' | 'pca';
  variant: Variant;
  bytes: number;
  /** Importing the bundle in a fresh Node.js process, ms: what a cold Lambda start spends on module init. */
  importMs: Summary;
  /** CPU time of the same imports (user + system, all threads), ms: less at the mercy of a busy machine than the wall time. */
  importCpuMs: Summary;
  /** The largest packages in the bundle, bytes of output. */
  largest: Array<{ name: string; bytes: number }>;
}

/** Bundles a handler as the construct does (handlerBuildOptions), or with the whole SDK left out. */
async function bundle(
  name: HandlerName,
  issuer: 'iot' | 'pca' | undefined,
  variant: Variant,
  outDir: string,
): Promise<{ file: string; metafile: Metafile }> {
  const file = path.join(outDir, `${name}${issuer ? `-${issuer}` : ''}-${variant}.mjs`);
  const options = handlerBuildOptions(handlerEntry(name, issuer), file);
  const result = await build({
    ...options,
    ...(variant === 'sdk-from-runtime' ? { external: ['@aws-sdk/*', ...(options.external ?? [])] } : {}),
    logLevel: 'error',
    metafile: true,
  });
  return { file, metafile: result.metafile };
}

/** Output bytes per package (node_modules/<name>, or "our code"). */
function largestPackages(metafile: Metafile, file: string): Array<{ name: string; bytes: number }> {
  const output = Object.entries(metafile.outputs).find(([out]) => path.resolve(out) === file)?.[1];
  const sizes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = match?.[1] ?? 'our code';
    sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
  }
  return [...sizes]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 4);
}

/** Wall and CPU milliseconds to import `file` in a new process, as the Lambda runtime does on a cold start. */
async function importTimes(file: string): Promise<{ wall: number; cpu: number }> {
  const script = `const c=process.cpuUsage(),t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});const w=performance.now()-t,u=process.cpuUsage(c);process.stdout.write(JSON.stringify({wall:w,cpu:(u.user+u.system)/1000}));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '' } });
  return JSON.parse(stdout) as { wall: number; cpu: number };
}

async function runBench(context: BenchContext): Promise<BenchResult> {
  // Inside the repository, so that a bundle's external imports resolve from its node_modules.
  const loadBefore = os.loadavg();
  const outDir = await mkdtemp(path.join(PROJECT_ROOT, 'node_modules', '.bench-bundles-'));
  const figures: BundleFigure[] = [];
  try {
    const built: Array<Target & { variant: Variant; file: string; metafile: Metafile; samples: number[]; cpu: number[] }> = [];
    for (const variant of VARIANTS) {
      for (const target of TARGETS) {
        built.push({ ...target, variant, ...(await bundle(target.handler, target.issuer, variant, outDir)), samples: [], cpu: [] });
      }
    }
    // Round after round, one import of every bundle each: a change in the machine's load then
    // falls on every bundle alike instead of on whichever was being timed.
    const rounds = IMPORTS[context.quick ? 'quick' : 'full'];
    for (let round = 1; round <= rounds; round++) {
      context.progress(`lambda-bundles: import round ${round} of ${rounds} (${built.length} bundles)`);
      for (const b of built) {
        const { wall, cpu } = await importTimes(b.file);
        b.samples.push(wall);
        b.cpu.push(cpu);
      }
    }
    for (const { handler, issuer, variant, file, metafile, samples, cpu } of built) {
      figures.push({
        handler,
        ...(issuer ? { issuer } : {}),
        variant,
        bytes: (await stat(file)).size,
        importMs: summarize(samples),
        importCpuMs: summarize(cpu),
        largest: largestPackages(metafile, file),
      });
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
  const loadAfter = os.loadavg();
  const kb = (bytes: number): string => (bytes / 1000).toFixed(0);
  const issuerLabel = (issuer: BundleFigure['issuer']): string =>
    ({ iot: ' (IoT Core issuer)', pca: ' (Private CA issuer)', none: '' })[issuer ?? 'none'];
  return {
    name: 'lambda-bundles',
    tables: [
      {
        title: "Lambda bundles (esbuild with the construct's settings) and their cold import",
        columns: ['handler', 'AWS SDK', 'KB', 'import median ms', 'import p95 ms', 'import CPU median ms', 'largest parts (KB)'],
        rows: figures.map((f) => [
          `${f.handler}${issuerLabel(f.issuer)}`,
          VARIANT_LABELS[f.variant],
          kb(f.bytes),
          f.importMs.median.toFixed(0),
          f.importMs.p95.toFixed(0),
          f.importCpuMs.median.toFixed(0),
          f.largest.map((p) => `${p.name} ${kb(p.bytes)}`).join(', '),
        ]),
        notes: [
          `import: a fresh Node.js ${process.version} process per sample, ${IMPORTS[context.quick ? 'quick' : 'full']} rounds importing every bundle once; the handler itself is built on its first invocation`,
          "import CPU: the same imports' CPU time (user + system, process.cpuUsage), which a busy machine inflates less than the wall time",
          `deployed bundles leave out only ${RUNTIME_ONLY_SDK_MODULES.join(', ')}: imported dynamically, on paths a handler never takes on Lambda, so no import loads them and the import time has nothing of them to count`,
          'from runtime: every @aws-sdk/* package is loaded from node_modules on import, and that loading is in its import time',
          `load average (1, 5, 15 min) ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before these bundles, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} after`,
          'aims: under 300 KB and under 150 ms each',
        ],
      },
    ],
    data: figures,
    alerts: [],
  };
}

export const lambdaBundles: Benchmark = {
  name: 'lambda-bundles',
  description: 'each Lambda bundle: size, cold import time, largest packages',
  run: runBench,
};
