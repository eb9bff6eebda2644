import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_MINUTE_SCALE } from './fleet-rotation.js';

export interface BenchOptions {
  only?: string[];
  quick: boolean;
  minuteScale: number;
  devices?: number;
  rsaDevices?: number;
  json: boolean;
  help: boolean;
}

export function usage(names: readonly string[], describe: (name: string) => string): string {
  return `Usage: npm run bench -- [options]

Prints speed and memory figures of the certificate rotator; never fails on a figure.

Options:
  --only NAME[,NAME]  run only these benchmarks (repeatable): ${names.join(', ')}
  --quick             smaller sizes, for a CI smoke run
  --devices N         fleet runs: cores per fleet, 1..5000 (default 1000, or 20 with --quick)
  --rsa-devices N     the RSA-2048 fleet and its key generation only: cores, 1..5000 (default --devices)
  --minute-scale N    fleet runs: the AWS minute (job rollout windows, in-progress timeout, request
                      quotas) runs N times faster than real time, 1..60 (default ${DEFAULT_MINUTE_SCALE}: AWS's pace)
  --json              also print every figure as one JSON object on the last line
  --help              show this help

Benchmarks:
${names.map((n) => `  ${n.padEnd(16)}${describe(n)}`).join('\n')}
`;
}

/** Parses the command line; throws an Error naming the bad option. */
export function parseBenchOptions(argv: string[], names: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      only: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      'minute-scale': { type: 'string', default: String(DEFAULT_MINUTE_SCALE) },
      devices: { type: 'string' },
      'rsa-devices': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const name = z.string().refine((n) => names.includes(n), { error: (issue) => `--only: unknown benchmark ${JSON.stringify(issue.input)} (one of ${names.join(', ')})` });
  const schema = z.object({
    only: z.array(name).optional(),
    quick: z.boolean(),
    'minute-scale': z.coerce.number({ error: '--minute-scale must be a number' }).min(1, '--minute-scale must be at least 1').max(60, '--minute-scale must be at most 60'),
    devices: z.coerce.number({ error: '--devices must be a number' }).int('--devices must be a whole number').min(1, '--devices must be at least 1').max(5000, '--devices must be at most 5000').optional(),
    'rsa-devices': z.coerce.number({ error: '--rsa-devices must be a number' }).int('--rsa-devices must be a whole number').min(1, '--rsa-devices must be at least 1').max(5000, '--rsa-devices must be at most 5000').optional(),
    json: z.boolean(),
    help: z.boolean(),
  });
  const only = values.only?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
  const parsed = schema.safeParse({ ...values, ...(only ? { only } : {}) });
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const { only: selected, 'minute-scale': minuteScale, devices, 'rsa-devices': rsaDevices, ...rest } = parsed.data;
  return {
    ...rest,
    minuteScale,
    ...(devices === undefined ? {} : { devices }),
    ...(rsaDevices === undefined ? {} : { rsaDevices }),
    ...(selected ? { only: selected } : {}),
  };
}
