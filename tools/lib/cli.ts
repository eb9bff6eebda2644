import { z } from 'zod';
import type { ProgressStream } from './progress-bar.js';
import { UsageError } from './command-line.js';

export { UsageError, parseFlags, readCommandLine, numberFlag, choiceFlag, secondsFlag, type Flags } from './command-line.js';

/** Where a command writes: results on stdout, progress and diagnostics on stderr. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

export const REGION_ACCEPTS = 'an AWS region such as eu-west-1';
export const ENDPOINT_ACCEPTS = 'an http(s) URL such as http://127.0.0.1:4566';

export const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, `--region must be ${REGION_ACCEPTS}`)
  .optional();

export const endpointSchema = z
  .string()
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), `--endpoint must be ${ENDPOINT_ACCEPTS}`)
  .optional();

/** The flags every AWS command takes. */
export const COMMON_FLAGS = {
  region: { type: 'string', accepts: REGION_ACCEPTS },
  endpoint: { type: 'string', accepts: ENDPOINT_ACCEPTS },
  help: { type: 'boolean', default: false },
} as const;

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

/** Exit codes: 0 done, 1 the work failed, 2 the command line was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** What follows a usage error: where to read about the options, not the whole usage. */
export function helpPointer(command: string): string {
  return `Run "npm run ${command} -- --help" for the options.`;
}

export interface Command<O> {
  /** The npm script: errors start with it, and the pointer to --help names it. */
  name: string;
  usage: string;
  /** Reads argv; throws UsageError for a bad command line. */
  parse(argv: string[]): { help: true } | { help: false; options: O };
  /** Does the work; returns the exit code. */
  run(options: O): Promise<number>;
  /** How a failure of run() is told in one line (default: the AWS error's name and message). */
  describeFailure?: (error: unknown) => string;
}

/**
 * Runs a command as every tool of this project does: a bad command line prints one line naming
 * the flag and a pointer to --help (exit 2); --help prints the usage on stdout (exit 0); a
 * failure prints one line (exit 1).
 */
export async function runCommand<O>(argv: string[], io: CliIo, command: Command<O>): Promise<number> {
  let parsed: ReturnType<Command<O>['parse']>;
  try {
    parsed = command.parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${command.name}: ${error.message}\n${helpPointer(command.name)}\n`);
    return EXIT.usage;
  }
  if (parsed.help) {
    io.stdout.write(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(parsed.options);
  } catch (error) {
    io.stderr.write(`${command.name}: ${(command.describeFailure ?? describeAwsError)(error)}\n`);
    return EXIT.failed;
  }
}

/** The end of a tool's entry file: exit with the command's code; an unexpected error exits 1. */
export function exitWith(name: string, result: Promise<number>): void {
  result.then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`${name}: ${error.stack ?? error.message}\n`);
      process.exit(EXIT.failed);
    },
  );
}

/**
 * The project runs on Node.js 20 (what the device needs) with the AWS SDK versions its lockfile
 * pins; the SDK's notice that its releases after January 2027 need Node.js 22 asks nothing of a
 * user of these commands, so they turn it off (the README says when to move to Node.js 22).
 */
export function silenceSdkNodeVersionNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
