import os from 'node:os';
import { coreRotation, coreStart } from './core-rotation.js';
import { fleetRotation } from './fleet-rotation.js';
import { fsmThroughput } from './fsm-throughput.js';
import { keygenCsr } from './keygen-csr.js';
import { lambdaBundles } from './lambda-bundles.js';
import { lambdaLatency } from './lambda-latency.js';
import { exitWith, runCommand, silenceSdkNodeVersionNotice } from '../shared/cli/run-command.js';
import { parseBenchOptions, usage, type BenchOptions } from './options.js';
import { formatAlerts, formatResult } from './report.js';
import type { Benchmark, BenchResult } from './types.js';

const BENCHMARKS: readonly Benchmark[] = [keygenCsr, fsmThroughput, lambdaBundles, lambdaLatency, coreRotation, coreStart, fleetRotation];
const NAMES = BENCHMARKS.map((b) => b.name);

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
  };
}

async function runBenchmarks(options: BenchOptions): Promise<number> {
  const selected = BENCHMARKS.filter((b) => (options.only ? options.only.includes(b.name) : !b.onlyWhenNamed));
  const context = {
    quick: options.quick,
    minuteScale: options.minuteScale,
    ...(options.devices === undefined ? {} : { devices: options.devices }),
    ...(options.rsaDevices === undefined ? {} : { rsaDevices: options.rsaDevices }),
    progress: (line: string) => void process.stderr.write(`[bench] ${line}\n`),
  };
  const before = machine();
  const started = Date.now();
  process.stdout.write(
    `Benchmarks${options.quick ? ' (quick)' : ''} on ${String(before.cpus)} x ${String(before.cpuModel)}, Node.js ${process.version}, load average ${(before.loadAverage as number[]).join(' ')}\n\n`,
  );
  const results: BenchResult[] = [];
  for (const benchmark of selected) {
    const result = await benchmark.run(context);
    results.push(result);
    process.stdout.write(`${formatResult(result)}\n\n`);
  }
  const alerts = results.flatMap((r) => r.alerts);
  const totalSeconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `Total ${totalSeconds.toFixed(0)} s; load average now ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  if (alerts.length > 0) process.stdout.write(`\n${formatAlerts(alerts)}\n`);
  if (options.json) {
    const figures = Object.fromEntries(results.map((r) => [r.name, r.data]));
    process.stdout.write(
      `${JSON.stringify({ quick: options.quick, minuteScale: options.minuteScale, machine: before, totalSeconds, alerts, results: figures })}\n`,
    );
  }
  // Figures are reported, never judged: a slow or even failed rotation is printed, not an exit code.
  return 0;
}

const describe = (name: string): string => BENCHMARKS.find((b) => b.name === name)?.description ?? '';

silenceSdkNodeVersionNotice();
// The functions run in this process; their CloudWatch metric lines (EMF) would fill stdout.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
exitWith(
  'bench',
  runCommand<BenchOptions>(
    process.argv.slice(2),
    { stdout: process.stdout, stderr: process.stderr },
    {
      name: 'bench',
      usage: usage(NAMES, describe),
      parse: (argv) => {
        const options = parseBenchOptions(argv, NAMES);
        return options.help ? { help: true } : { help: false, options };
      },
      run: runBenchmarks,
      describeFailure: (error) => `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    },
  ),
);
