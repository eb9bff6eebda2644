import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readGdkConfig } from '../../component/build/gdk-config.js';
import { caBundleSchema, COMMON_FLAGS, COMMON_HELP, endpointSchema, regionSchema } from './cli.js';
import { UsageError, numberRange, parseFlags, readCommandLine, secondsFlag } from '../../shared/cli/command-line.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The component this project builds, as gdk-config.json names it. */
export function defaultComponentName(): string {
  return readGdkConfig(PROJECT_ROOT).componentName;
}

export const DEPLOY_USAGE = `Usage: npm run deploy-component-version -- <version> <thingGroup> [options]

Deploys a version of the component to a thing group of Greengrass core devices: takes the thing
group's latest deployment, adds the component at <version> or updates it to <version> (other
components and their configuration stay as they are), creates the new deployment under the same
name (or "Deployment for <thingGroup>"), and waits for it to finish on every core device.
Run it after "gdk component publish". Exits with 0 only when every core device succeeded.

Arguments:
  <version>                component version to deploy, e.g. 1.2.3
  <thingGroup>             thing group whose latest deployment is updated

Options:
  --component NAME         component to add or update (default ${defaultComponentName()}, from gdk-config.json)
  --timeout SECONDS        give up waiting for the deployment after this long (default 900)
  --poll-interval SECONDS  how often to look at the deployment's job (default 10)
${COMMON_HELP}`;

const COMPONENT_ACCEPTS = 'a component name such as aws.greengrass.labs.CertificateRotator';
const MAX_TIMEOUT_S = 24 * 3600;
const MAX_POLL_S = 3600;

/** The command's flags as node:util parseArgs reads them (every one is described in DEPLOY_USAGE). */
export const DEPLOY_FLAGS = {
  component: { type: 'string', accepts: COMPONENT_ACCEPTS },
  timeout: { type: 'string', default: '900', accepts: numberRange(0, MAX_TIMEOUT_S, { unit: 'seconds', exclusiveMin: true }) },
  'poll-interval': { type: 'string', default: '10', accepts: numberRange(0, MAX_POLL_S, { unit: 'seconds', exclusiveMin: true }) },
  ...COMMON_FLAGS,
} as const;

export interface DeployOptions {
  version: string;
  thingGroupName: string;
  componentName: string;
  timeoutMs: number;
  pollIntervalMs: number;
  region?: string;
  endpoint?: string;
  caBundle?: string;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

const schema = z.object({
  positionals: z.tuple(
    [
      z.string().regex(SEMVER, '<version> must be a semantic version such as 1.2.3'),
      z.string().regex(/^[a-zA-Z0-9:_-]{1,128}$/, '<thingGroup> must be a thing group name (letters, digits, ":", "_" or "-")'),
    ],
    { error: 'give two arguments: <version> <thingGroup>' },
  ),
  component: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,128}$/, `--component must be ${COMPONENT_ACCEPTS}`)
    .optional(),
  timeout: secondsFlag('--timeout', MAX_TIMEOUT_S),
  'poll-interval': secondsFlag('--poll-interval', MAX_POLL_S),
  region: regionSchema,
  endpoint: endpointSchema,
  'ca-bundle': caBundleSchema,
});

/** Parses the command line; `help` when --help was given, else the options. Throws UsageError. */
export function parseDeployArgs(argv: string[]): { help: true } | { help: false; options: DeployOptions } {
  const { values, positionals } = readCommandLine(argv, DEPLOY_FLAGS, { positionals: true });
  if (values['help'] === true) return { help: true };
  if (positionals.length !== 2) throw new UsageError(`give two arguments: <version> <thingGroup> (got ${positionals.length})`);
  const f = parseFlags(schema, { ...values, positionals });
  const [version, thingGroupName] = f.positionals;
  return {
    help: false,
    options: {
      version,
      thingGroupName,
      componentName: f.component ?? defaultComponentName(),
      timeoutMs: f.timeout,
      pollIntervalMs: f['poll-interval'],
      ...(f.region === undefined ? {} : { region: f.region }),
      ...(f.endpoint === undefined ? {} : { endpoint: f.endpoint }),
      ...(f['ca-bundle'] === undefined ? {} : { caBundle: f['ca-bundle'] }),
    },
  };
}
