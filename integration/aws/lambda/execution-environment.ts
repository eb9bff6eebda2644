import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BOOTSTRAP = fileURLToPath(new URL('./runtime-bootstrap.mjs', import.meta.url));
/** What runtime-bootstrap.mjs writes to stdout and stderr after an invocation's own output. */
const OUTPUT_END = '\u0000invocation-output-end ';
const STREAMS = 2;
/** Lambda gives a function's init phase 10 seconds; a loaded machine gets more here. */
const INIT_TIMEOUT_MS = 30_000;

/** How Lambda reports a failed invocation: the runtime's error object. */
export interface FunctionError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type InvokeOutcome = { ok: true; value: unknown } | { ok: false; error: FunctionError };

export interface EnvironmentSpec {
  functionArn: string;
  /** The function's directory: the bundled asset. */
  codeDirectory: string;
  /** Every variable the process sees; nothing is inherited. */
  environment: Record<string, string>;
  memoryMb: number;
  /** Each line the function writes to stdout or stderr. */
  onOutput: (line: string) => void;
}

type Message =
  | { type: 'ready' }
  | { type: 'init-error'; error: FunctionError }
  | { type: 'result'; id: number; ok: boolean; value?: unknown; error?: FunctionError };

/**
 * One execution environment: a Node.js process running runtime-bootstrap.mjs with the function's
 * code, handling one invocation at a time. An invocation that outlives its timeout kills the
 * process, as Lambda stops a timed-out environment; the next invocation starts a fresh one.
 */
export class ExecutionEnvironment {
  private nextId = 1;
  private pending: { id: number; requestId: string; settle: (outcome: InvokeOutcome) => void } | undefined;
  /** The invocation's result, held until both output streams have been read up to its end. */
  private result: { id: number; outcome: InvokeOutcome } | undefined;
  /** The last invocation whose output end each stream (stdout, stderr) has delivered. */
  private readonly outputEnded = new Array<number>(STREAMS).fill(0);
  private exited = false;
  /** Killed: the process may not have exited yet, but it takes no more invocations. */
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly spec: EnvironmentSpec,
  ) {
    child.on('message', (message: Message) => {
      if (message.type !== 'result' || message.id !== this.pending?.id) return;
      const outcome: InvokeOutcome = message.ok
        ? { ok: true, value: message.value }
        : { ok: false, error: message.error ?? { errorType: 'Error', errorMessage: 'unknown error' } };
      this.result = { id: message.id, outcome };
      this.settleWhenLogged();
    });
    child.on('exit', () => {
      this.exited = true;
    });
    // Once its output is all read: an invocation whose result came in (an uncaught error, say)
    // gets that result; one without dies with the process.
    child.on('close', (code, signal) => {
      this.exited = true;
      const pending = this.pending;
      this.pending = undefined;
      const result = this.result;
      this.result = undefined;
      if (pending && result?.id === pending.id) {
        pending.settle(result.outcome);
        return;
      }
      pending?.settle({
        ok: false,
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${pending.requestId} Error: Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}`,
        },
      });
    });
  }

  /** Starts the process and runs the init phase (loading the handler); fails with the init error. */
  static async start(spec: EnvironmentSpec): Promise<ExecutionEnvironment> {
    const child = spawn(process.execPath, [`--max-old-space-size=${spec.memoryMb}`, BOOTSTRAP], {
      cwd: spec.codeDirectory,
      env: spec.environment,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const environment = new ExecutionEnvironment(child, spec);
    [child.stdout, child.stderr].forEach((stream, index) => {
      if (stream) createInterface({ input: stream }).on('line', (line) => environment.output(index, line));
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${spec.functionArn}: init phase did not finish within ${INIT_TIMEOUT_MS} ms`));
      }, INIT_TIMEOUT_MS);
      child.once('message', (message: Message) => {
        clearTimeout(timer);
        if (message.type === 'ready') resolve();
        else if (message.type === 'init-error')
          reject(Object.assign(new Error(message.error.errorMessage), { name: message.error.errorType }));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${spec.functionArn}: runtime exited during init (status ${code})`));
      });
    });
    return environment;
  }

  get alive(): boolean {
    return !this.exited && !this.stopping;
  }

  /** Runs one invocation; past `timeoutMs` the process is killed and the invocation fails as Lambda's does. */
  invoke(event: unknown, requestId: string, timeoutMs: number): Promise<InvokeOutcome> {
    if (this.pending) throw new Error('an execution environment runs one invocation at a time');
    const id = this.nextId++;
    const deadline = Date.now() + timeoutMs;
    return new Promise<InvokeOutcome>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = undefined;
        this.kill();
        const seconds = (timeoutMs / 1000).toFixed(2);
        resolve({
          ok: false,
          error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds` },
        });
      }, timeoutMs);
      this.pending = {
        id,
        requestId,
        settle: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      if (this.exited) {
        this.pending.settle({
          ok: false,
          error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited` },
        });
        this.pending = undefined;
        return;
      }
      this.child.send({ type: 'invoke', id, requestId, event, deadline, functionArn: this.spec.functionArn });
    });
  }

  /** A line of the function's output, or the end of an invocation's output on that stream. */
  private output(stream: number, line: string): void {
    if (!line.startsWith(OUTPUT_END)) {
      this.spec.onOutput(line);
      return;
    }
    this.outputEnded[stream] = Number(line.slice(OUTPUT_END.length));
    this.settleWhenLogged();
  }

  /** Settles the invocation once its result is in and everything it wrote has been logged. */
  private settleWhenLogged(): void {
    const result = this.result;
    if (result === undefined || result.id !== this.pending?.id) return;
    if (this.outputEnded.some((ended) => ended < result.id)) return;
    const { settle } = this.pending;
    this.pending = undefined;
    this.result = undefined;
    settle(result.outcome);
  }

  kill(): void {
    this.stopping = true;
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
