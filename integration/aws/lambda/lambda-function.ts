import { randomBytes, randomUUID } from 'node:crypto';
import type { SessionCredentials } from '../iam/iam-service.js';
import { ExecutionEnvironment, type InvokeOutcome } from './execution-environment.js';
import type { ConcurrencyLimit } from './concurrency.js';
import type { LogGroups } from './log-groups.js';
import { environmentVariables, type FunctionConfiguration, type PlatformSettings } from './function-environment.js';

export type { FunctionConfiguration, PlatformSettings } from './function-environment.js';

/** A function's configuration, as CreateFunction takes it (the parts the stand-in runs). */
const today = (): string => new Date().toISOString().slice(0, 10).replace(/-/g, '/');

/** Environments of one function that may be starting at once: each start loads the bundle, a burst of them would take the machine. */
const STARTS_AT_ONCE = 4;
/**
 * The least time invocations wait for a busy environment before more are started; the wait grows
 * to what a start takes here. Lambda starts environments on machines of their own; here each start
 * takes a second or more of this machine's CPU, so a burst of short invocations is better served
 * by the environments already running than by dozens of new ones competing with them for it. A
 * queue that drains more slowly than an environment starts (long invocations, sustained demand)
 * still gets its environments, up to the concurrency limit.
 */
const SCALE_OUT_AFTER_MS = 250;
/** A spare environment is kept ready only while the function has fewer than this many. */
const SPARE_BELOW = 4;
/** An idle environment beyond the first is stopped after this long, as Lambda reclaims environments it no longer needs. */
const IDLE_RETIREMENT_MS = 60_000;

/**
 * The environments of one function (their variables: function-environment.ts). As Lambda, it scales with demand: an
 * invocation takes an idle environment, or a new one when every environment is busy, as long as
 * the function's concurrency limit (its reserved concurrency, else the account's) has room; beyond
 * it the invocation waits.
 */
export class LambdaFunction {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  /** Whether each environment's role session may write its log stream (decided when it starts). */
  private readonly logging = new WeakMap<ExecutionEnvironment, boolean>();
  /** Invocations holding a unit of concurrency and waiting for an environment, first come first served. */
  private readonly waiting: Array<{
    since: number;
    resolve: (environment: ExecutionEnvironment) => void;
    reject: (error: Error) => void;
  }> = [];
  private readonly retirements = new WeakMap<ExecutionEnvironment, NodeJS.Timeout>();
  private starting = 0;
  private closed = false;
  private scaleOutTimer: NodeJS.Timeout | undefined;
  /** How long an environment of this function took to start, lately (a moving average). */
  private startMs: number | undefined;

  constructor(
    public configuration: FunctionConfiguration,
    private readonly credentials: SessionCredentials,
    private readonly platform: PlatformSettings,
    private readonly logs: LogGroups,
    /** The limit this function's invocations count against, looked up per invocation (reserved concurrency may change). */
    private readonly concurrency: () => ConcurrencyLimit,
  ) {}

  /** Environments running, idle or busy (not those still starting). */
  get environments(): number {
    return this.all.size;
  }

  /** Runs one invocation once there is room under the concurrency limit, in an idle environment or a new one. */
  async invoke(event: unknown): Promise<InvokeOutcome> {
    const release = await this.concurrency().acquire(this.configuration.functionName);
    const requestId = randomUUID();
    const { logGroupName, timeoutSeconds } = this.configuration;
    let environment: ExecutionEnvironment | undefined;
    try {
      environment = await this.acquire();
      this.keepOneWarm();
      const logged = this.logging.get(environment) === true;
      const log = (line: string): void => {
        if (logged) this.logs.append(logGroupName, line);
      };
      log(`START RequestId: ${requestId} Version: $LATEST`);
      const started = Date.now();
      const outcome = await environment.invoke(event, requestId, timeoutSeconds * 1000);
      const duration = Date.now() - started;
      if (!outcome.ok && outcome.error.errorType === 'Sandbox.Timedout') {
        log(`${new Date().toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
      }
      log(`END RequestId: ${requestId}`);
      log(
        `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(duration))} ms\tMemory Size: ${this.configuration.memoryMb} MB`,
      );
      return outcome;
    } catch (error) {
      // The init phase failed: Lambda reports it as this invocation's error.
      const failure = error as Error;
      this.logs.append(logGroupName, `INIT_REPORT Status: error\tError Type: ${failure.name}`);
      return { ok: false, error: { errorType: failure.name, errorMessage: failure.message } };
    } finally {
      if (environment) this.giveBack(environment);
      release();
    }
  }

  /**
   * Starts an environment in the background when none is idle or starting. Lambda starts one in
   * well under a second; on a loaded machine here it can take longer than a core's wait for the
   * reply, so the stand-in keeps one ready ahead of need (as provisioned concurrency would)
   * rather than bill every cold start to the device's timeouts.
   */
  keepOneWarm(): void {
    if (this.closed || this.idle.length > 0 || this.starting > 0 || this.all.size >= Math.min(SPARE_BELOW, this.concurrency().limit))
      return;
    this.startOne();
  }

  /**
   * Stops taking invocations: idle environments stop now, busy ones once their invocation is done
   * (the configuration changed), or at once when `now` (the function is deleted, the stand-in closes).
   */
  shutdown(now = true): void {
    this.closed = true;
    clearTimeout(this.scaleOutTimer);
    for (const environment of this.idle.splice(0)) this.stop(environment);
    for (const waiter of this.waiting.splice(0)) {
      waiter.reject(
        Object.assign(new Error(`Function not found: ${this.configuration.functionArn}`), { name: 'ResourceNotFoundException' }),
      );
    }
    if (!now) return;
    for (const environment of this.all) environment.kill();
    this.all.clear();
  }

  /** An idle environment, else the first to become free or to finish starting; starts one when every environment is busy. */
  private acquire(): Promise<ExecutionEnvironment> {
    const ready = this.takeIdle();
    if (ready) return Promise.resolve(ready);
    return new Promise<ExecutionEnvironment>((resolve, reject) => {
      this.waiting.push({ since: Date.now(), resolve, reject });
      this.scale();
    });
  }

  /**
   * Starts environments for the invocations waiting beyond those already starting, a few at a
   * time: at once when the function has none, else once the longest waiting invocation has waited
   * SCALE_OUT_AFTER_MS.
   */
  private scale(): void {
    if (this.closed || this.waiting.length <= this.starting) return;
    if (this.all.size + this.starting === 0) {
      this.startOne();
      return;
    }
    const waitedMs = Date.now() - (this.waiting[0]?.since ?? Date.now());
    const patienceMs = Math.max(SCALE_OUT_AFTER_MS, this.startMs ?? 0);
    if (waitedMs >= patienceMs) {
      // The environments running cannot keep up.
      while (!this.closed && this.starting < STARTS_AT_ONCE && this.waiting.length > this.starting) this.startOne();
      return;
    }
    if (this.scaleOutTimer !== undefined) return;
    this.scaleOutTimer = setTimeout(() => {
      this.scaleOutTimer = undefined;
      this.scale();
    }, patienceMs - waitedMs);
    this.scaleOutTimer.unref();
  }

  private startOne(): void {
    this.starting += 1;
    const began = Date.now();
    this.start().then(
      (environment) => {
        this.starting -= 1;
        const tookMs = Date.now() - began;
        this.startMs = this.startMs === undefined ? tookMs : 0.7 * this.startMs + 0.3 * tookMs;
        this.giveBack(environment);
        this.scale();
      },
      (error: Error) => {
        this.starting -= 1;
        // The invocation that waits longest reports the init failure; the others try again.
        this.waiting.shift()?.reject(error);
        this.scale();
      },
    );
  }

  /** A free environment goes to the invocation that waits longest, else it waits idle (and is retired if unused). */
  private giveBack(environment: ExecutionEnvironment): void {
    if (!environment.alive || this.closed) {
      this.stop(environment);
      this.scale();
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) {
      waiter.resolve(environment);
      return;
    }
    this.idle.push(environment);
    const timer = setTimeout(() => this.retire(environment), IDLE_RETIREMENT_MS);
    timer.unref();
    this.retirements.set(environment, timer);
  }

  /** The most recently used idle environment (the warmest), as Lambda reuses them. */
  private takeIdle(): ExecutionEnvironment | undefined {
    const environment = this.idle.pop();
    if (environment) clearTimeout(this.retirements.get(environment));
    return environment;
  }

  private retire(environment: ExecutionEnvironment): void {
    const index = this.idle.indexOf(environment);
    if (index < 0 || this.idle.length <= 1) return;
    this.idle.splice(index, 1);
    this.stop(environment);
  }

  private stop(environment: ExecutionEnvironment): void {
    clearTimeout(this.retirements.get(environment));
    environment.kill();
    this.all.delete(environment);
  }

  private async start(): Promise<ExecutionEnvironment> {
    const c = this.configuration;
    const stream = `${today()}/[$LATEST]${randomBytes(16).toString('hex')}`;
    const logged = this.platform.mayLog(c.logGroupName, stream);
    const environment = await ExecutionEnvironment.start({
      functionArn: c.functionArn,
      codeDirectory: c.codeDirectory,
      memoryMb: c.memoryMb,
      onOutput: (line) => {
        if (logged) this.logs.append(c.logGroupName, line);
      },
      environment: environmentVariables(c, this.platform, this.credentials, stream),
    });
    if (this.closed) {
      environment.kill();
      throw Object.assign(new Error(`Function not found: ${c.functionArn}`), { name: 'ResourceNotFoundException' });
    }
    this.all.add(environment);
    this.logging.set(environment, logged);
    return environment;
  }
}
