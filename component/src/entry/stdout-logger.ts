import type { Logger } from '../../../shared/logging/logger.js';

/** A Logger whose buffered output can be drained before the process exits. */
export interface FlushableLogger extends Logger {
  flush(): Promise<void>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** The subset of a stream the logger writes to (process.stdout / process.stderr). */
export interface LineSink {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
}

export interface StdoutLoggerOptions {
  stdout?: LineSink;
  stderr?: LineSink;
  level?: LogLevel;
  now?: () => Date;
}

const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;

/**
 * One JSON object per line; Greengrass appends each line to
 * logs/aws.greengrass.labs.CertificateRotator.log. Warnings and errors go to stderr.
 * PEM private keys are masked as a last line of defence: callers must not log them at all.
 */
export class StdoutLogger implements FlushableLogger {
  private readonly stdout: LineSink;
  private readonly stderr: LineSink;
  private readonly minimum: number;
  private readonly now: () => Date;

  constructor(options: StdoutLoggerOptions = {}) {
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.minimum = RANK[options.level ?? 'info'];
    this.now = options.now ?? (() => new Date());
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }

  /** Resolves once everything written so far has been handed to the OS. */
  flush(): Promise<void> {
    const drained = (sink: LineSink) => new Promise<void>((resolve) => sink.write('', () => resolve()));
    return Promise.all([drained(this.stdout), drained(this.stderr)]).then(() => undefined);
  }

  private write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (RANK[level] < this.minimum) return;
    const record = { timestamp: this.now().toISOString(), level: level.toUpperCase(), message, ...fields };
    const sink = RANK[level] >= RANK.warn ? this.stderr : this.stdout;
    sink.write(`${serialise(record)}\n`);
  }
}

function serialise(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, replacer);
  } catch {
    // Circular or otherwise unserialisable fields: keep the message rather than lose the line.
    return JSON.stringify({ timestamp: record.timestamp, level: record.level, message: redact(String(record.message)) });
  }
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: redact(value.message) };
  return value;
}

function redact(text: string): string {
  return text.replace(PEM_PRIVATE_KEY, '[private key redacted]');
}
