import { createWriteStream, type WriteStream } from 'node:fs';
import type { Logger } from '../../shared/logging/logger.js';

export interface ClosableLogger extends Logger {
  close(): Promise<void>;
}

/** JSON lines appended to a file: where Greengrass puts a component's output. */
export function fileLogger(filePath: string, fields: Record<string, unknown> = {}): ClosableLogger {
  const stream: WriteStream = createWriteStream(filePath, { flags: 'a' });
  const emit =
    (level: string) =>
    (message: string, extra: Record<string, unknown> = {}): void => {
      stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields, ...extra })}\n`);
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    close: () => new Promise<void>((resolve) => stream.end(resolve)),
  };
}
