import { EventEmitter } from 'node:events';
import type { Logger } from '../../../shared/logging/logger.js';

/** A streaming operation double: emits what the test pushes, records activation and closing. */
export class FakeStream<Request> extends EventEmitter {
  closed = false;
  constructor(
    readonly request: Request,
    private readonly activation: Promise<unknown> = Promise.resolve({}),
  ) {
    super();
  }
  activate(): Promise<unknown> {
    return this.activation;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(fields === undefined ? { level, message } : { level, message, fields });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
