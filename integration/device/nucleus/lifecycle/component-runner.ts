import type { Logger } from '../../../../shared/logging/logger.js';
import { lifecycleStep, type Manifest } from '../deployment/recipe.js';
import { interpolate, type RecipeVariableContext } from '../recipe-variables.js';
import type { ComponentLog } from './component-log.js';
import { ScriptProcess, type ScriptExit } from './script-process.js';

/** Greengrass's service states, as far as a generic component goes through them here. */
export type ComponentState = 'NEW' | 'INSTALLED' | 'RUNNING' | 'FINISHED' | 'ERRORED' | 'BROKEN' | 'STOPPING';

/** Greengrass marks a component BROKEN after this many errors in a row. */
export const MAX_ERRORS = 3;
const DEFAULT_INSTALL_TIMEOUT_S = 120;
const STOP_GRACE_MS = 5_000;

export interface ComponentRunnerOptions {
  name: string;
  manifest: Manifest;
  /** Recipe variables as they are now (the configuration changes with deployments). */
  variables: () => RecipeVariableContext;
  /** Environment of every lifecycle process: the nucleus's variables, SVCUID included. */
  env: () => Record<string, string>;
  workPath: string;
  log: ComponentLog;
  logger: Logger;
}

/**
 * Runs one component's lifecycle: Install (with its timeout), then Run; a Run that exits
 * non-zero is ERRORED and run again, up to MAX_ERRORS, then BROKEN; exit 0 is FINISHED.
 */
export class ComponentRunner {
  private current: ScriptProcess | undefined;
  private stateValue: ComponentState = 'NEW';
  private errors = 0;
  private stopped = false;
  private readonly listeners: Array<(state: ComponentState, exit?: ScriptExit) => void> = [];

  constructor(private readonly options: ComponentRunnerOptions) {}

  get state(): ComponentState {
    return this.stateValue;
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  onStateChange(listener: (state: ComponentState, exit?: ScriptExit) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.errors = 0;
    const installed = await this.install();
    if (installed && !this.stopped) this.run();
  }

  /** Orderly stop: SIGTERM to the process group, SIGKILL after a grace period. */
  async stop(): Promise<void> {
    this.stopped = true;
    const process = this.current;
    if (process) {
      this.setState('STOPPING');
      await process.stop(STOP_GRACE_MS);
    }
    this.current = undefined;
    this.setState('NEW');
  }

  /** Power cut: SIGKILL to the process group, no grace; resolves once the script has exited. */
  async kill(): Promise<void> {
    this.stopped = true;
    const process = this.current;
    process?.kill('SIGKILL');
    this.current = undefined;
    this.setState('NEW');
    await process?.exited;
  }

  private setState(state: ComponentState, exit?: ScriptExit): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.options.logger.info('Component state', { component: this.options.name, state });
    for (const listener of [...this.listeners]) listener(state, exit);
  }

  private spawn(step: string, timeoutMs?: number): ScriptProcess | undefined {
    const definition = lifecycleStep(this.options.manifest, step);
    if (!definition) return undefined;
    const variables = this.options.variables();
    const setenv = {
      ...((this.options.manifest.Lifecycle as { Setenv?: Record<string, string> }).Setenv ?? {}),
      ...definition.setenv,
    };
    const env = { ...this.options.env() };
    for (const [key, value] of Object.entries(setenv)) env[key] = interpolate(value, variables);
    const timeout = definition.timeoutSeconds !== undefined ? definition.timeoutSeconds * 1000 : timeoutMs;
    return new ScriptProcess({
      step,
      script: interpolate(definition.script, variables),
      cwd: this.options.workPath,
      env,
      log: this.options.log,
      ...(timeout === undefined ? {} : { timeoutMs: timeout }),
    });
  }

  private async install(): Promise<boolean> {
    for (let attempt = 1; attempt <= MAX_ERRORS; attempt++) {
      const process = this.spawn('Install', DEFAULT_INSTALL_TIMEOUT_S * 1000);
      if (!process) break;
      this.current = process;
      const exit = await process.exited;
      this.current = undefined;
      if (this.stopped) return false;
      if (exit.code === 0) break;
      const reason = exit.timedOut ? 'timed out' : `exited with ${exit.code ?? exit.signal}`;
      this.options.log.line('ERROR', 'Install', `Install ${reason}`, 'ERRORED');
      this.setState('ERRORED', exit);
      if (attempt === MAX_ERRORS) {
        this.setState('BROKEN', exit);
        return false;
      }
    }
    this.setState('INSTALLED');
    return true;
  }

  private run(): void {
    const process = this.spawn('Run');
    if (!process) {
      this.setState('FINISHED');
      return;
    }
    this.current = process;
    this.setState('RUNNING');
    void process.exited.then((exit) => {
      if (this.current !== process || this.stopped) return;
      this.current = undefined;
      this.options.log.line(
        exit.code === 0 ? 'INFO' : 'ERROR',
        'Run',
        `Run script exited with ${exit.code ?? exit.signal}`,
        exit.code === 0 ? 'FINISHED' : 'ERRORED',
      );
      if (exit.code === 0) {
        this.setState('FINISHED', exit);
        return;
      }
      this.errors += 1;
      this.setState('ERRORED', exit);
      if (this.errors >= MAX_ERRORS) this.setState('BROKEN', exit);
      else this.run();
    });
  }
}
