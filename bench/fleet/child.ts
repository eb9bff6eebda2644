import { fleetSpecSchema } from './result.js';
import { runFleetRotation } from './scenario.js';

// One fleet run per process, so that each run's memory figures are its own.
// The parent passes the spec as JSON in argv[2] and reads the result from the last stdout line.
async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const parsed = fleetSpecSchema.safeParse(JSON.parse(process.argv[2] ?? 'null'));
  if (!parsed.success) throw new Error(`fleet spec: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const result = await runFleetRotation(parsed.data, (line) => void process.stderr.write(`  ${line}\n`));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`fleet run failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
