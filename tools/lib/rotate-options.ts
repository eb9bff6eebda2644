import { z } from 'zod';
import { caBundleSchema, COMMON_FLAGS, COMMON_HELP, endpointSchema, regionSchema } from './cli.js';
import { UsageError, numberRange, parseFlags, readCommandLine, secondsFlag } from '../../shared/cli/command-line.js';
import { backendResourceNames } from '../../shared/contract/index.js';

export const DEFAULT_TEMPLATE_ID = backendResourceNames().jobTemplate;

export const ROTATE_USAGE = `Usage: npm run rotate -- (--thing-group NAME | --things NAME,NAME,...) [options]

Starts a certificate rotation job from the backend's job template, shows its progress and prints
the outcome on every core device. Exits with 0 only when every job execution SUCCEEDED.
AWS credentials and region come from the standard AWS SDK chain (environment, profiles, roles).

Target (exactly one):
  --thing-group NAME       rotate every core device in this thing group (members when the job starts)
  --things A,B,C           rotate these core devices (thing names, comma-separated)

Options:
  --job-id ID              ID of the new job (default certificate-rotation-<timestamp>)
  --template-id ID         job template to create the job from (default ${DEFAULT_TEMPLATE_ID})
  --timeout SECONDS        stop watching after this long and exit with 1 (default 3600)
  --poll-interval SECONDS  how often to look at the job (default 5)
  --no-wait                create the job, print its ID and exit without watching it
  --json                   print the outcome as one JSON object on the last line:
                           { jobId, things: [{ thingName, status, reason? }], succeeded, failed, timedOut }
${COMMON_HELP}`;

export type RotateTarget = { kind: 'thingGroup'; name: string } | { kind: 'things'; names: string[] };

export interface RotateOptions {
  target: RotateTarget;
  /** Generated at run time when not given. */
  jobId?: string;
  templateId: string;
  timeoutMs: number;
  pollIntervalMs: number;
  wait: boolean;
  json: boolean;
  region?: string;
  endpoint?: string;
  caBundle?: string;
}

const NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const JOB_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const NAME_CHARACTERS = '1-128 letters, digits, ":", "_" or "-"';
const GROUP_ACCEPTS = `a thing group name (${NAME_CHARACTERS})`;
const THINGS_ACCEPTS = `thing names (${NAME_CHARACTERS}) separated by commas`;
const JOB_ID_ACCEPTS = '1-64 letters, digits, "_" or "-"';
const MAX_TIMEOUT_S = 7 * 24 * 3600;
const MAX_POLL_S = 3600;

/** The command's flags as node:util parseArgs reads them (every one is described in ROTATE_USAGE). */
export const ROTATE_FLAGS = {
  'thing-group': { type: 'string', accepts: GROUP_ACCEPTS },
  things: { type: 'string', accepts: THINGS_ACCEPTS },
  'job-id': { type: 'string', accepts: JOB_ID_ACCEPTS },
  'template-id': { type: 'string', default: DEFAULT_TEMPLATE_ID, accepts: JOB_ID_ACCEPTS },
  timeout: { type: 'string', default: '3600', accepts: numberRange(0, MAX_TIMEOUT_S, { unit: 'seconds', exclusiveMin: true }) },
  'poll-interval': { type: 'string', default: '5', accepts: numberRange(0, MAX_POLL_S, { unit: 'seconds', exclusiveMin: true }) },
  'no-wait': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  ...COMMON_FLAGS,
} as const;

const flagsSchema = z
  .object({
    'thing-group': z.string().regex(NAME, `--thing-group must be ${GROUP_ACCEPTS}`).optional(),
    things: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== ''),
      )
      .refine((names) => names.length > 0, '--things needs at least one thing name')
      .refine((names) => names.every((n) => NAME.test(n)), `--things must be ${THINGS_ACCEPTS}`)
      .refine((names) => new Set(names).size === names.length, '--things lists a thing twice')
      .optional(),
    'job-id': z.string().regex(JOB_ID, `--job-id must be ${JOB_ID_ACCEPTS}`).optional(),
    'template-id': z.string().regex(JOB_ID, `--template-id must be ${JOB_ID_ACCEPTS}`),
    timeout: secondsFlag('--timeout', MAX_TIMEOUT_S),
    'poll-interval': secondsFlag('--poll-interval', MAX_POLL_S),
    'no-wait': z.boolean(),
    json: z.boolean(),
    region: regionSchema,
    endpoint: endpointSchema,
    'ca-bundle': caBundleSchema,
  })
  .refine((f) => (f['thing-group'] === undefined) !== (f.things === undefined), {
    message: 'give exactly one target: --thing-group NAME or --things A,B,C',
  });

/** Parses the command line; `help` when --help was given, else the options. Throws UsageError. */
export function parseRotateArgs(argv: string[]): { help: true } | { help: false; options: RotateOptions } {
  const { values } = readCommandLine(argv, ROTATE_FLAGS);
  if (values['help'] === true) return { help: true };
  const f = parseFlags(flagsSchema, values);
  const target: RotateTarget =
    f['thing-group'] !== undefined ? { kind: 'thingGroup', name: f['thing-group'] } : { kind: 'things', names: f.things ?? [] };
  if (target.kind === 'things' && target.names.length === 0) throw new UsageError('--things needs at least one thing name');
  return {
    help: false,
    options: {
      target,
      ...(f['job-id'] === undefined ? {} : { jobId: f['job-id'] }),
      templateId: f['template-id'],
      timeoutMs: f.timeout,
      pollIntervalMs: f['poll-interval'],
      wait: !f['no-wait'],
      json: f.json,
      ...(f.region === undefined ? {} : { region: f.region }),
      ...(f.endpoint === undefined ? {} : { endpoint: f.endpoint }),
      ...(f['ca-bundle'] === undefined ? {} : { caBundle: f['ca-bundle'] }),
    },
  };
}
