import { spawn, type ChildProcess } from 'node:child_process';
import type { ComponentLog } from './component-log.js';

export interface ScriptExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

export interface ScriptOptions {
  step: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
  log: ComponentLog;
  timeoutMs?: number;
}

/**
 * One lifecycle script, run by `sh -c` in its own process group so that stopping it (or a
 * power cut) takes every process it started with it, as systemd's cgroup does for Greengrass.
 */
export class ScriptProcess {
  readonly exited: Promise<ScriptExit>;
  private readonly child: ChildProcess;
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(options: ScriptOptions) {
    this.child = spawn('sh', ['-c', options.script], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.log.follow(this.child.stdout!, 'stdout', options.step);
    options.log.follow(this.child.stderr!, 'stderr', options.step);
    let timedOut = false;
    if (options.timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        timedOut = true;
        this.kill('SIGKILL');
      }, options.timeoutMs);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('error', () => {
        this.finish();
        resolve({ code: 127, signal: null, timedOut });
      });
      this.child.once('exit', (code, signal) => {
        this.finish();
        resolve({ code, signal, timedOut });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Signals the whole process group; a group already gone is not an error. */
  kill(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group has exited.
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`, as Greengrass stops a component. */
  async stop(graceMs: number): Promise<ScriptExit> {
    if (!this.done) {
      this.kill('SIGTERM');
      const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
      const exit = await this.exited;
      clearTimeout(timer);
      // Children that ignored SIGTERM outlive the shell; the group goes with them.
      this.kill('SIGKILL');
      return exit;
    }
    return this.exited;
  }

  private finish(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
