import type { Logger } from '../../shared/logging/logger.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** JSON lines on stderr from `minimum` up; the stand-in's default logger. */
export function stderrLogger(minimum: LogLevel = 'warn', name = 'aws-stand-in'): Logger {
  const emit =
    (level: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}): void => {
      if (LEVELS.indexOf(level) < LEVELS.indexOf(minimum)) return;
      process.stderr.write(`${JSON.stringify({ level, logger: name, message, ...fields, time: new Date().toISOString() })}\n`);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
