import { z } from 'zod';
import { caBundleSchema, COMMON_FLAGS, COMMON_HELP, endpointSchema, regionSchema } from './cli.js';
import { UsageError, numberRange, parseFlags, readCommandLine } from '../../shared/cli/command-line.js';

export const FLEET_STATUS_USAGE = `Usage: npm run fleet-status -- --thing-group NAME [options]

Shows the certificate of every core device in a thing group (and its child groups): one row per
core with its thing name, certificate id, issuer, not-after date, age, days left, and its last
rotation job with that job's status. Warns about a core with more than one certificate attached,
or whose certificate is not ACTIVE. Progress goes to stderr; the table (or JSON) to stdout.
AWS credentials and region come from the standard AWS SDK chain (environment, profiles, roles).
Exits with 0 when every core could be read, 1 otherwise, 2 for a bad command line.

Options:
  --thing-group NAME       the thing group to show (required)
  --concurrency N          cores read side by side, 1-16 (default 4); AWS IoT throttles its
                           control plane at about 10 calls a second per operation
  --json                   print one JSON object instead of the table:
                           { thingGroup, cores: [{ thingName, certificateId, issuer, notAfter, ageDays,
                           daysLeft, lastRotation: { jobId, status } | null, warnings }], warnings,
                           unreadable } (warnings and unreadable count cores)
${COMMON_HELP}`;

export interface FleetStatusOptions {
  thingGroup: string;
  concurrency: number;
  json: boolean;
  region?: string;
  endpoint?: string;
  caBundle?: string;
}

/** Every flag of the command; each is described in FLEET_STATUS_USAGE. */
export const FLEET_STATUS_FLAGS = {
  'thing-group': { type: 'string', accepts: 'a thing group name (1-128 letters, digits, ":", "_" or "-")' },
  concurrency: { type: 'string', default: '4', accepts: numberRange(1, 16, { whole: true }) },
  json: { type: 'boolean', default: false },
  ...COMMON_FLAGS,
} as const;

const flagsSchema = z.object({
  'thing-group': z
    .string({ error: '--thing-group is required: the thing group whose core devices to show' })
    .regex(/^[a-zA-Z0-9:_-]{1,128}$/, '--thing-group must be a thing group name (1-128 letters, digits, ":", "_" or "-")'),
  concurrency: z.coerce
    .number({ error: '--concurrency must be a whole number from 1 to 16' })
    .int('--concurrency must be a whole number from 1 to 16')
    .min(1, '--concurrency must be a whole number from 1 to 16')
    .max(16, '--concurrency must be a whole number from 1 to 16'),
  json: z.boolean(),
  region: regionSchema,
  endpoint: endpointSchema,
  'ca-bundle': caBundleSchema,
});

/** Parses the command line; `help` when --help was given, else the options. Throws UsageError. */
export function parseFleetStatusArgs(argv: string[]): { help: true } | { help: false; options: FleetStatusOptions } {
  const { values } = readCommandLine(argv, FLEET_STATUS_FLAGS);
  if (values['help'] === true) return { help: true };
  const f = parseFlags(flagsSchema, values);
  if (f['thing-group'] === '') throw new UsageError('--thing-group is required');
  return {
    help: false,
    options: {
      thingGroup: f['thing-group'],
      concurrency: f.concurrency,
      json: f.json,
      ...(f.region === undefined ? {} : { region: f.region }),
      ...(f.endpoint === undefined ? {} : { endpoint: f.endpoint }),
      ...(f['ca-bundle'] === undefined ? {} : { caBundle: f['ca-bundle'] }),
    },
  };
}
