import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runSoak, type SoakResult } from './soak.js';

export const SOAK_USAGE = `Usage: npm run soak -- [options]

Rotates one core many times in a row, with the file store and with the PKCS#11 store on SoftHSM2,
and reports what is left behind (files, backups, temporary files, token objects, certificates,
the rotation shadow) and the process's memory after the first and the last rotation.

Options:
  --store NAME       file | pkcs11 (repeatable; default both)
  --rotations N      rotations per store (default 100)
  --time-scale N     component timers and AWS minutes N times faster (default 1: a clean
                     rotation waits on no timer)
  --json             print one JSON line per store instead of the summary
  --help             show this help
`;

const optionsSchema = z.object({
  store: z.array(z.enum(['file', 'pkcs11'], { error: '--store must be file or pkcs11' })).optional(),
  rotations: z.coerce
    .number()
    .int('--rotations must be a whole number')
    .min(2, '--rotations must be at least 2')
    .max(10_000, '--rotations must be at most 10000'),
  'time-scale': z.coerce.number().min(1, '--time-scale must be at least 1').max(60, '--time-scale must be at most 60'),
  json: z.boolean(),
  help: z.boolean(),
});

function summary(r: SoakResult): string {
  const left = [...r.leftoverFiles, ...r.missingFiles.map((f) => `missing ${f}`)];
  return [
    `${r.store}: ${r.succeeded}/${r.rotations} rotations SUCCEEDED in ${r.seconds.toFixed(0)} s`,
    ...r.failures.map((f) => `  not succeeded: ${f}`),
    `  files left behind: ${left.length === 0 ? 'none' : left.join(', ')}`,
    ...(r.tokenObjects
      ? [`  token objects: ${r.tokenObjects.join(', ')} (before the first rotation: ${(r.tokenObjectsBefore ?? []).join(', ')})`]
      : []),
    `  certificates on the thing: ${r.certificatesOnThing}, in the account: ${r.certificatesInAccount}; rotation shadow left: ${r.rotationShadowLeft ? 'yes' : 'no'}`,
    `  RSS after rotation 1: ${r.rssAfterFirstMiB} MiB, after rotation ${r.rotations}: ${r.rssAfterLastMiB} MiB; heap ${r.heapAfterFirstMiB} → ${r.heapAfterLastMiB} MiB`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      store: { type: 'string', multiple: true },
      rotations: { type: 'string', default: '100' },
      'time-scale': { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const o = parsed.data;
  if (o.help) {
    process.stdout.write(SOAK_USAGE);
    return;
  }
  for (const store of o.store ?? ['file', 'pkcs11']) {
    const result = await runSoak({ store, rotations: o.rotations, timeScale: o['time-scale'] });
    process.stdout.write(`${o.json ? JSON.stringify(result) : summary(result)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${SOAK_USAGE}`);
  process.exitCode = 1;
});
