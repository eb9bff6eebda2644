import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ChildSpec } from './child-spec.js';
import { formatTable, summarize, type MatrixCase } from './report.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export const FAULTS_USAGE = `Usage: npm run faults -- [options]

Runs the fault matrix: a rotation job per protocol point and fault kind (lost, duplicated, late,
power cut, connection drop), with the file store and the PKCS#11 store on SoftHSM2, with AWS IoT
Core and AWS Private CA issuing, and checks after each job that no core is bricked, the registry
is consistent and no certificate is orphaned. Power cuts at messages and at the restart run on
cores in process mode (the nucleus stand-in's power cut); everything else on inline cores.

Options:
  --reduced          each fault kind at each point once: file store, AWS IoT Core, inline cores
  --store NAME       file | pkcs11 (repeatable; default both)
  --issuer NAME      iot | pca (repeatable; default both)
  --cores N          inline cores running cases side by side (default 3)
  --process-cores N  process-mode cores side by side (default 2)
  --time-scale N     inline cores: component timers and AWS minutes N times faster (default 6)
  --only TEXT        only the cases whose name contains TEXT (repeatable)
  --json             end with one JSON line: the totals and every case
  --help             show this help
`;

const optionsSchema = z.object({
  reduced: z.boolean(),
  store: z.array(z.enum(['file', 'pkcs11'], { error: '--store must be file or pkcs11' })).optional(),
  issuer: z.array(z.enum(['iot', 'pca'], { error: '--issuer must be iot or pca' })).optional(),
  cores: z.coerce.number().int('--cores must be a whole number').min(1, '--cores must be at least 1').max(16, '--cores must be at most 16'),
  'process-cores': z.coerce.number().int('--process-cores must be a whole number').min(1).max(8, '--process-cores must be at most 8'),
  'time-scale': z.coerce.number().min(1, '--time-scale must be at least 1').max(20, '--time-scale must be at most 20'),
  only: z.array(z.string()).optional(),
  json: z.boolean(),
  help: z.boolean(),
});

/** The children to run, one matrix each. */
export function plan(argv: string[]): { specs: ChildSpec[]; json: boolean; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      reduced: { type: 'boolean', default: false },
      store: { type: 'string', multiple: true },
      issuer: { type: 'string', multiple: true },
      cores: { type: 'string', default: '3' },
      'process-cores': { type: 'string', default: '2' },
      'time-scale': { type: 'string', default: '6' },
      only: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const o = parsed.data;
  const common = { cores: o.cores, timeScale: o['time-scale'], ...(o.only ? { only: o.only } : {}) };
  if (o.reduced) {
    return { specs: [{ store: 'file', mode: 'inline', cells: 'all-inline', issuers: ['iot'], ...common }], json: o.json, help: o.help };
  }
  const issuers = o.issuer ?? ['iot', 'pca'];
  const specs = (o.store ?? ['file', 'pkcs11']).flatMap((store): ChildSpec[] => [
    { store, mode: 'inline', cells: 'inline', issuers, ...common },
    { store, mode: 'process', cells: 'process', issuers, ...common, cores: o['process-cores'] },
  ]);
  return { specs, json: o.json, help: o.help };
}

/** Runs one matrix in a child process (with this process's loader flags), passing its progress on. */
function runChild(spec: ChildSpec, onCase: (result: MatrixCase) => void): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, CHILD, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('CASE ')) onCase(JSON.parse(line.slice(5)) as MatrixCase);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`the ${spec.store}/${spec.mode} matrix exited with ${String(code)}`)),
    );
  });
}

async function main(): Promise<number> {
  let run;
  try {
    run = plan(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${FAULTS_USAGE}`);
    return 2;
  }
  if (run.help) {
    process.stdout.write(FAULTS_USAGE);
    return 0;
  }
  const started = Date.now();
  const cases: MatrixCase[] = [];
  for (const spec of run.specs) {
    await runChild(spec, (result) => {
      cases.push(result);
      const flag = result.violations.length > 0 ? ` VIOLATION: ${result.violations.join('; ')}` : '';
      process.stderr.write(
        `[faults] ${cases.length} ${result.store}/${result.issuer}/${result.mode} ${result.kind} at ${result.point}: ${result.outcome}${flag}\n`,
      );
    });
  }
  const summary = summarize(cases, (Date.now() - started) / 1000);
  process.stdout.write(`${formatTable(cases, summary)}\n`);
  if (run.json)
    process.stdout.write(
      `${JSON.stringify({ ...summary, results: cases.map((c) => ({ store: c.store, issuer: c.issuer, mode: c.mode, point: c.point, scenario: c.scenario, kind: c.kind, outcome: c.outcome, applied: c.applied, violations: c.violations })) })}\n`,
    );
  return summary.bricked === 0 && summary.registryInconsistent === 0 && summary.orphanCertificates === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`Fault matrix failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
