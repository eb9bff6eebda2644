import { z } from 'zod';
import type { ProgressStream } from '../../shared/operator/progress-bar.js';

/** Where a command writes: results on stdout, progress and diagnostics on stderr. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

/** A command line that cannot be run as given; the message names the option. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const regionSchema = z
  .string({ error: '--region needs a value' })
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, '--region must be an AWS region such as eu-west-1')
  .optional();

export const endpointSchema = z
  .string({ error: '--endpoint needs a value' })
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), '--endpoint must be an http(s) URL such as http://127.0.0.1:4566')
  .optional();

/** A number of seconds from a flag, as milliseconds. */
export const secondsSchema = (flag: string, max: number) =>
  z.coerce
    .number({ error: `${flag} must be a number of seconds` })
    .refine(Number.isFinite, `${flag} must be a number of seconds`)
    .positive(`${flag} must be more than 0 seconds`)
    .max(max, `${flag} must be at most ${max} seconds`)
    .transform((s) => Math.round(s * 1000));

/** Runs a zod schema over parsed flags; throws a UsageError listing every bad flag. */
export function parseFlags<T extends z.ZodType>(schema: T, values: unknown): z.infer<T> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** node:util parseArgs errors say "Unknown option '--x'"; keep that but as a UsageError. */
export function asUsageError(error: unknown): never {
  if (error instanceof UsageError) throw error;
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
  throw error;
}

/** AWS SDK client settings from the common flags; unset ones come from the standard chain. */
export function clientConfig(options: { region?: string | undefined; endpoint?: string | undefined }): { region?: string; endpoint?: string } {
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  };
}

/** An AWS error's name and message, without the SDK's metadata. */
export function describeAwsError(error: unknown): string {
  if (error instanceof Error) {
    if (/Region is missing/i.test(error.message)) return 'No AWS region: pass --region or set AWS_REGION';
    if (error.name === 'CredentialsProviderError') {
      return 'No AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with a role';
    }
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Common option help lines. */
export const COMMON_HELP = `  --region REGION          AWS region (default: AWS_REGION or the shared config's region)
  --endpoint URL           AWS API endpoint override, e.g. the local stand-in's http://127.0.0.1:<port>
  --help                   show this help
`;
