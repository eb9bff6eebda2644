import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { z } from 'zod';
import { runCommand as runSharedCommand, type CliIo, type Command } from '../../shared/cli/run-command.js';
import { UsageError } from '../../shared/cli/command-line.js';
import { describeAwsError } from '../../shared/operator/aws-error.js';

export { describeAwsError };
export type { CliIo };

export const REGION_ACCEPTS = 'an AWS region such as eu-west-1';
export const ENDPOINT_ACCEPTS = 'an http(s) URL such as https://127.0.0.1:4566';
export const CA_BUNDLE_ACCEPTS = 'a PEM file of certificates to trust';

export const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, `--region must be ${REGION_ACCEPTS}`)
  .optional();

export const endpointSchema = z
  .string()
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), `--endpoint must be ${ENDPOINT_ACCEPTS}`)
  .optional();

export const caBundleSchema = z.string().min(1, `--ca-bundle must be ${CA_BUNDLE_ACCEPTS}`).optional();

/** The flags every AWS command takes. */
export const COMMON_FLAGS = {
  region: { type: 'string', accepts: REGION_ACCEPTS },
  endpoint: { type: 'string', accepts: ENDPOINT_ACCEPTS },
  'ca-bundle': { type: 'string', accepts: CA_BUNDLE_ACCEPTS },
  help: { type: 'boolean', default: false },
} as const;

export interface CommonOptions {
  region?: string | undefined;
  endpoint?: string | undefined;
  /** PEM file of certificates to trust over HTTPS (`--ca-bundle`, else AWS_CA_BUNDLE). */
  caBundle?: string | undefined;
}

/** The certificates of a CA bundle file; a file that cannot be read is a usage error naming it. */
function readCaBundle(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--ca-bundle: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/**
 * AWS SDK client settings from the common flags; unset ones come from the standard chain. A CA
 * bundle is trusted on top of Node's roots, as the AWS CLI's `--ca-bundle` and AWS_CA_BUNDLE are.
 */
export function clientConfig(
  options: CommonOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { region?: string; endpoint?: string; requestHandler?: { httpsAgent: Agent } } {
  const caBundle = options.caBundle ?? (env['AWS_CA_BUNDLE'] || undefined);
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(caBundle === undefined ? {} : { requestHandler: { httpsAgent: new Agent({ ca: readCaBundle(caBundle), keepAlive: true }) } }),
  };
}

/** Common option help lines. */
export const COMMON_HELP = `  --region REGION          AWS region (default: AWS_REGION or the shared config's region)
  --endpoint URL           AWS API endpoint override, e.g. the local stand-in's https://127.0.0.1:<port>
  --ca-bundle FILE         PEM certificates to trust for HTTPS besides Node's own (default: AWS_CA_BUNDLE),
                           e.g. the local stand-in's root
  --help                   show this help
`;

/** An AWS command: a failure is told as the AWS error's name and message. */
export function runAwsCommand<O>(argv: string[], io: CliIo, command: Command<O>): Promise<number> {
  return runSharedCommand(argv, io, { describeFailure: describeAwsError, ...command });
}
