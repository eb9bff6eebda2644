/** `npm run demo -- --help`: rotates a simulated fleet through the local stand-in. */
import os from 'node:os';
import { exitWith, runCommand, silenceSdkNodeVersionNotice, type CliIo } from '../../shared/cli/run-command.js';
import { adviceFor } from './advice.js';
import { DEMO_USAGE, parseDemoOptions, type DemoOptions } from './options.js';
import { runDemo } from './run-demo.js';
import { formatSummary } from './summary.js';

/** Exit 0 only when every core rotated, none is bricked and every thing holds one ACTIVE certificate. */
async function demo(options: DemoOptions, io: CliIo): Promise<number> {
  const started = Date.now();
  // Each step with the time since the start: a busy machine shows where the time goes.
  const say = (line: string): void =>
    void io.stderr.write(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}\n`);
  const summary = await runDemo(options, say);
  // With --json stdout holds the summary alone, so that it can be piped (npm run -s demo -- --json | jq).
  io.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
  const advice = adviceFor(summary, { cpus: os.availableParallelism(), loadAverage: os.loadavg()[0] ?? 0 });
  // Beside the summary; with --json on stderr, so that stdout stays one JSON object.
  if (advice.length > 0) (options.json ? io.stderr : io.stdout).write(`${['', ...advice].join('\n')}\n`);
  // With --expiring only the due cores rotate; the rest are left alone on purpose.
  const consistent = summary.bricked === 0 && summary.registryInconsistent === 0;
  return consistent && summary.succeeded === (options.expiring ?? summary.devices) ? 0 : 1;
}

silenceSdkNodeVersionNotice();
// The functions run in this process; their CloudWatch metric lines (EMF) would fill stdout.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const io: CliIo = { stdout: process.stdout, stderr: process.stderr };
exitWith(
  'demo',
  runCommand<DemoOptions>(process.argv.slice(2), io, {
    name: 'demo',
    usage: DEMO_USAGE,
    parse: (argv) => {
      const options = parseDemoOptions(argv);
      return options.help ? { help: true } : { help: false, options };
    },
    run: (options) => demo(options, io),
    describeFailure: (error) => `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  }),
);
