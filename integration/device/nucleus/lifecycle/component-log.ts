import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

/**
 * `logs/<component>.log`, written the way the nucleus writes a component's output: one line
 * per line of stdout (INFO) or stderr (WARN), naming the lifecycle step that produced it.
 */
export class ComponentLog {
  private readonly stream: WriteStream;

  constructor(
    readonly filePath: string,
    private readonly componentName: string,
  ) {
    mkdirSync(path.dirname(filePath), { recursive: true });
    this.stream = createWriteStream(filePath, { flags: 'a' });
  }

  line(level: 'INFO' | 'WARN' | 'ERROR', step: string, text: string, state = 'RUNNING'): void {
    this.stream.write(
      `${new Date().toISOString()} [${level}] (Copier) ${this.componentName}: ${text}. {scriptName=services.${this.componentName}.lifecycle.${step}, serviceName=${this.componentName}, currentState=${state}}\n`,
    );
  }

  /** Copies a process's output line by line. */
  follow(output: Readable, stream: 'stdout' | 'stderr', step: string): void {
    const lines = createInterface({ input: output, crlfDelay: Infinity });
    lines.on('line', (text) => this.line(stream === 'stdout' ? 'INFO' : 'WARN', step, `${stream}. ${text}`));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
