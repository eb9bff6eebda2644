import { parseArgs } from 'node:util';
import { z } from 'zod';

/** A command line that cannot be run as given; the message names the option and what it accepts. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One flag of a command, as node:util parseArgs declares it, plus what its value may be. */
export interface Flag {
  type: 'string' | 'boolean';
  default?: string | boolean;
  multiple?: boolean;
  /** What the value may be, in words ("a whole number from 1 to 5000"); said when it is missing. */
  accepts?: string;
}

export type Flags = Readonly<Record<string, Flag>>;

export interface CommandLine {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface ReadOptions {
  /** Whether the command takes arguments besides flags (default: it does not). */
  positionals?: boolean;
  /** Flags the command no longer takes, each with what to use instead. */
  retired?: Readonly<Record<string, string>>;
}

/** A value that starts with "-" and is a number: `--devices -3` means the value -3, not an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

function needsValue(rawName: string, flag: Flag): string {
  return `${rawName} needs a value${flag.accepts ? `: ${flag.accepts}` : ''}`;
}

/**
 * Reads a command line against a command's flags. Unlike parseArgs in strict mode, a negative
 * number is a value (`--devices -3` reaches the flag's own check), and every error is one line
 * that names the flag: unknown, given twice, missing its value, or given one it does not take.
 * Throws UsageError.
 */
export function readCommandLine(argv: readonly string[], flags: Flags, options: ReadOptions = {}): CommandLine {
  const { tokens } = parseArgs({ args: [...argv], options: flags, strict: false, allowPositionals: true, tokens: true });
  const values: CommandLine['values'] = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (!options.positionals) throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}`);
      positionals.push(token.value);
      continue;
    }
    const retired = options.retired && Object.hasOwn(options.retired, token.name) ? options.retired[token.name] : undefined;
    if (retired !== undefined) throw new UsageError(`${token.rawName} is no longer an option: ${retired}`);
    const flag = Object.hasOwn(flags, token.name) ? flags[token.name] : undefined;
    if (flag === undefined || !token.rawName.startsWith('--')) throw new UsageError(`unknown option ${token.rawName}`);
    if (Object.hasOwn(values, token.name) && !flag.multiple) throw new UsageError(`${token.rawName} is given more than once`);
    let value: string | boolean;
    if (flag.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value (got ${JSON.stringify(token.value)})`);
      value = true;
    } else {
      // parseArgs takes the next word as the value even when it is another option.
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && !NEGATIVE_NUMBER.test(token.value))) {
        throw new UsageError(needsValue(token.rawName, flag));
      }
      value = token.value;
    }
    values[token.name] = flag.multiple ? [...((values[token.name] as string[] | undefined) ?? []), String(value)] : value;
  }
  for (const [name, flag] of Object.entries(flags)) {
    if (!Object.hasOwn(values, name) && flag.default !== undefined) values[name] = flag.default;
  }
  return { values, positionals };
}

/** Runs a zod schema over the flags read; throws a UsageError listing every bad flag on one line. */
export function parseFlags<T extends z.ZodType>(schema: T, values: unknown): z.infer<T> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** The words that say which numbers a flag takes. */
export function numberRange(min: number, max: number, options: { whole?: boolean; unit?: string; exclusiveMin?: boolean } = {}): string {
  const kind = options.whole ? 'a whole number' : 'a number';
  const unit = options.unit ? ` ${options.unit}` : '';
  return options.exclusiveMin
    ? `${kind} of${unit} more than ${min} and at most ${max}`
    : `${kind}${unit ? ` of${unit}` : ''} from ${min} to ${max}`;
}

/**
 * A flag whose value is a number in a range. The error names the flag, what it accepts and what
 * was given: `--devices must be a whole number from 1 to 5000 (got "-3")`.
 */
export function numberFlag(
  flag: string,
  min: number,
  max: number,
  options: { whole?: boolean; unit?: string; exclusiveMin?: boolean } = {},
) {
  const accepts = numberRange(min, max, options);
  return z.string().transform((raw, ctx) => {
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    const inRange = Number.isFinite(value) && (options.exclusiveMin ? value > min : value >= min) && value <= max;
    if (!inRange || (options.whole && !Number.isInteger(value))) {
      ctx.addIssue({ code: 'custom', message: `${flag} must be ${accepts} (got ${JSON.stringify(raw)})` });
      return z.NEVER;
    }
    return value;
  });
}

/** A flag whose value is one of a few words: `--issuer must be iot or pca (got "acm")`. */
export function choiceFlag<const T extends readonly [string, ...string[]]>(flag: string, choices: T) {
  return z.string().transform((raw, ctx): T[number] => {
    if ((choices as readonly string[]).includes(raw)) return raw as T[number];
    ctx.addIssue({ code: 'custom', message: `${flag} must be ${oneOf(choices)} (got ${JSON.stringify(raw)})` });
    return z.NEVER;
  });
}

/** "a or b", "a, b or c". */
export function oneOf(choices: readonly string[]): string {
  return choices.length <= 1 ? (choices[0] ?? '') : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}

/** A number of seconds from a flag, as milliseconds. */
export const secondsFlag = (flag: string, max: number) =>
  numberFlag(flag, 0, max, { unit: 'seconds', exclusiveMin: true }).transform((s) => Math.round(s * 1000));
