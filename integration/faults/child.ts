import { childSpecSchema } from './child-spec.js';
import { runMatrix } from './matrix.js';

// One matrix per process: SoftHSM2 reads its configuration once per process, and each run's
// stand-in and cores are its own. The spec comes as JSON in argv[2]; each case goes to stdout as
// one `CASE <json>` line, and `DONE <json>` ends the run.
async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const spec = childSpecSchema.parse(JSON.parse(process.argv[2] ?? 'null'));
  const run = await runMatrix({
    ...spec,
    log: (line) => void process.stderr.write(`${line}\n`),
    onCase: (result) => void process.stdout.write(`CASE ${JSON.stringify(result)}\n`),
  });
  process.stdout.write(`DONE ${JSON.stringify({ points: run.points, seconds: run.seconds })}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`fault matrix run failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
