import { z } from 'zod';
import { numberFlag, numberRange, oneOf, parseFlags, readCommandLine } from '../shared/cli/command-line.js';
import { DEFAULT_MINUTE_SCALE } from './fleet-rotation.js';

const MAX_MINUTE_SCALE = 60;
const MAX_DEVICES = 5000;

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
  --devices N         fleet runs: cores per fleet, 1 to 5000 (default 1000, or 20 with --quick)
  --rsa-devices N     the RSA-2048 fleet and its key generation only: cores, 1 to 5000 (default --devices)
  --minute-scale N    fleet runs: the AWS minute (job rollout windows, in-progress timeout, request
                      quotas) runs N times faster than real time, 1 to ${MAX_MINUTE_SCALE} (default ${DEFAULT_MINUTE_SCALE}: AWS's pace)
  --json              also print every figure as one JSON object on the last line
  --help              show this help

Benchmarks:
${names.map((n) => `  ${n.padEnd(16)}${describe(n)}`).join('\n')}
`;
}

/** Parses the command line; throws a UsageError naming the bad option and what it accepts. */
export function parseBenchOptions(argv: string[], names: readonly string[]): BenchOptions {
  const { values } = readCommandLine(argv, {
    only: { type: 'string', multiple: true, accepts: `benchmark names separated by commas: ${oneOf(names)}` },
    quick: { type: 'boolean', default: false },
    'minute-scale': { type: 'string', default: String(DEFAULT_MINUTE_SCALE), accepts: numberRange(1, MAX_MINUTE_SCALE) },
    devices: { type: 'string', accepts: numberRange(1, MAX_DEVICES, { whole: true }) },
    'rsa-devices': { type: 'string', accepts: numberRange(1, MAX_DEVICES, { whole: true }) },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  });
  const name = z.string().refine((n) => names.includes(n), {
    error: (issue) => `--only: unknown benchmark ${JSON.stringify(issue.input)} (one of ${names.join(', ')})`,
  });
  const schema = z.object({
    only: z.array(name).optional(),
    quick: z.boolean(),
    'minute-scale': numberFlag('--minute-scale', 1, MAX_MINUTE_SCALE),
    devices: numberFlag('--devices', 1, MAX_DEVICES, { whole: true }).optional(),
    'rsa-devices': numberFlag('--rsa-devices', 1, MAX_DEVICES, { whole: true }).optional(),
    json: z.boolean(),
    help: z.boolean(),
  });
  const only = (values.only as string[] | undefined)
    ?.flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  const {
    only: selected,
    'minute-scale': minuteScale,
    devices,
    'rsa-devices': rsaDevices,
    ...rest
  } = parseFlags(schema, { ...values, ...(only ? { only } : {}) });
  return {
    ...rest,
    minuteScale,
    ...(devices === undefined ? {} : { devices }),
    ...(rsaDevices === undefined ? {} : { rsaDevices }),
    ...(selected ? { only: selected } : {}),
  };
}
