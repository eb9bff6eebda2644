import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AwsStandIn } from '../../aws/index.js';
import type { ProvisionedCore } from '../fleet.js';
import type { FleetRunnerOptions, RunningCore } from '../fleet-runner.js';
import { fileCredentialsProbe } from '../verify-fleet.js';
import type { CoreOperation, FromHost, HostSnapshot, ToHost } from './protocol.js';

const HOST = fileURLToPath(new URL('./host.ts', import.meta.url));
/** A snapshot this recent answers every core's state; a fleet's worth of polls makes one request. */
const SNAPSHOT_REUSE_MS = 100;
/** How often the core process's memory is read while nobody asks for states. */
const MEMORY_POLL_MS = 1_000;

/** Inline cores run by a process of their own, seen from the stand-in's process. */
export interface HostedFleet {
  cores: RunningCore[];
  /** The core process's largest resident memory seen in its snapshots. */
  peakRssBytes(): number;
  /** Ends the core process (stop the cores first to let their components end cleanly). */
  close(): Promise<void>;
}

/**
 * Starts the cores' components in a separate Node.js process, inline mode (the component's code
 * over direct MQTT), as startInlineFleet does in this one. The stand-in's broker and AWS APIs then
 * keep this process's thread, as AWS's would not share one with its devices.
 */
export async function startHostedFleet(standIn: AwsStandIn, cores: ProvisionedCore[], options: FleetRunnerOptions): Promise<HostedFleet> {
  const child = spawn(process.execPath, [...process.execArgv, HOST], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const host = new HostChannel(child);
  await host.start({
    type: 'init',
    broker: { host: standIn.mqtt.host, port: standIn.mqtt.port, caPem: standIn.mqtt.caCertificatePem },
    cores,
    algorithms: options.algorithms,
    componentTimerScale: options.componentTimerScale,
    ...(options.keyGenerationSlots === undefined ? {} : { keyGenerationSlots: options.keyGenerationSlots }),
    ...(options.restartDelayMs === undefined ? {} : { restartDelayMs: options.restartDelayMs }),
    onStarted: options.onStarted,
  });
  const poll = setInterval(() => void host.snapshot().catch(() => undefined), MEMORY_POLL_MS).unref();
  return {
    cores: cores.map((core, index) => host.core(core, index, fileCredentialsProbe(standIn, core))),
    peakRssBytes: () => host.peakRss,
    close: () => {
      clearInterval(poll);
      return host.close();
    },
  };
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

class HostChannel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly restartListeners = new Map<number, Array<() => void>>();
  private last: { at: number; snapshot: HostSnapshot } | undefined;
  private inFlight: Promise<HostSnapshot> | undefined;
  private exited: Error | undefined;
  private onReady: Pending | undefined;
  private onStarted: FleetRunnerOptions['onStarted'];
  peakRss = 0;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (message: FromHost) => this.receive(message));
    child.on('exit', (code, signal) => {
      this.exited = new Error(`the core process exited (${signal ?? `status ${code}`})`);
      for (const waiting of [...this.pending.values(), ...(this.onReady ? [this.onReady] : [])]) waiting.reject(this.exited);
      this.pending.clear();
    });
  }

  start(init: Extract<ToHost, { type: 'init' }> & { onStarted: FleetRunnerOptions['onStarted'] }): Promise<void> {
    const { onStarted, ...message } = init;
    this.onStarted = onStarted;
    return new Promise<void>((resolve, reject) => {
      this.onReady = { resolve: () => resolve(), reject };
      this.child.send(message);
    });
  }

  core(core: ProvisionedCore, index: number, probe: RunningCore['probe']): RunningCore {
    const call = (operation: CoreOperation, configuration?: Record<string, unknown>): Promise<unknown> =>
      this.request({ type: 'call', id: 0, index, operation, ...(configuration ? { configuration } : {}) });
    return {
      core,
      componentState: () => this.last?.snapshot.states[index] ?? 'unknown',
      rotatorState: async () => (await this.snapshot()).states[index] ?? 'unknown',
      restarts: () => this.last?.snapshot.restarts[index] ?? 0,
      deployConfiguration: async (configuration) =>
        (await call('deployConfiguration', configuration)) as { status: 'SUCCEEDED' | 'FAILED'; message: string },
      powerCut: async () => void (await call('powerCut')),
      start: async () => void (await call('start')),
      stop: async () => void (await call('stop')),
      onRestart: (listener) => this.restartListeners.set(index, [...(this.restartListeners.get(index) ?? []), listener]),
      probe,
    };
  }

  /** Every core's state, from one request however many cores ask at once. */
  snapshot(): Promise<HostSnapshot> {
    if (this.last && Date.now() - this.last.at < SNAPSHOT_REUSE_MS) return Promise.resolve(this.last.snapshot);
    this.inFlight ??= (this.request({ type: 'states', id: 0 }) as Promise<HostSnapshot>).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private request(message: Extract<ToHost, { id: number }>): Promise<unknown> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...message, id });
    });
  }

  private receive(message: FromHost): void {
    switch (message.type) {
      case 'started':
        this.onStarted?.(message.started, message.total);
        return;
      case 'ready':
        this.onReady?.resolve(undefined);
        this.onReady = undefined;
        return;
      case 'restart':
        for (const listener of this.restartListeners.get(message.index) ?? []) listener();
        return;
      case 'states':
        this.last = { at: Date.now(), snapshot: message.snapshot };
        this.peakRss = Math.max(this.peakRss, message.snapshot.rssBytes);
        this.settle(message.id, { ok: true, value: message.snapshot });
        return;
      case 'result':
        this.settle(message.id, message);
        return;
    }
  }

  private settle(id: number, outcome: { ok: true; value?: unknown } | { ok: false; error: string }): void {
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    if (!waiting) return;
    if (outcome.ok) waiting.resolve(outcome.value);
    else waiting.reject(new Error(outcome.error));
  }
}
