import type { Logger } from '../../logging/logger.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** Keeps every log entry, for assertions. */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];

  debug(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'debug', message, fields });
  }
  info(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.entries.push({ level: 'error', message, fields });
  }

  /** Every entry serialised, to search for text that must never be logged. */
  text(): string {
    return this.entries.map((e) => `${e.level} ${e.message} ${JSON.stringify(e.fields)}`).join('\n');
  }
}
