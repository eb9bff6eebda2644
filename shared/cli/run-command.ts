import type { ProgressStream } from '../operator/progress-bar.js';
import { UsageError } from './command-line.js';

/** Where a command writes: results on stdout, progress and diagnostics on stderr. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

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
  /** How a failure of run() is told in one line (default: its message). */
  describeFailure?: (error: unknown) => string;
}

/**
 * Runs a command as every command of this project does: a bad command line prints one line naming
 * the flag and a pointer to --help (exit 2); --help prints the usage on stdout (exit 0); a failure
 * prints one line (exit 1).
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
    const describe = command.describeFailure ?? ((e: unknown) => (e instanceof Error ? e.message : String(e)));
    io.stderr.write(`${command.name}: ${describe(error)}\n`);
    return EXIT.failed;
  }
}

/** The end of a command's entry file: exit with the command's code; an unexpected error exits 1. */
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
