import { scaledClock } from '../../device/scaled-clock.js';
import { CpuGate } from '../../device/shared-cpu.js';
import { defaultKeyGenerationSlots, runningInlineCore, startAll, type RunningCore } from '../fleet-runner.js';
import type { FromHost, HostInit, ToHost } from './protocol.js';

/**
 * A process that runs inline cores for a fleet whose stand-in runs in another process (see
 * core-host-fleet.ts): devices are machines of their own, and a big fleet in the stand-in's
 * process would share one thread with the broker and the AWS APIs.
 */
const send = (message: FromHost): void => void process.send?.(message);

/** The installed credentials are checked from the stand-in's process, which reads the same files. */
const notHere = {
  certificatePem: () => Promise.reject(new Error('check a hosted core from the process that runs the stand-in')),
  connect: () => Promise.reject(new Error('check a hosted core from the process that runs the stand-in')),
};

let fleet: RunningCore[] = [];

async function start(init: HostInit): Promise<void> {
  const shared = {
    clock: scaledClock(init.componentTimerScale),
    broker: init.broker,
    algorithms: init.algorithms,
    cpu: new CpuGate(init.keyGenerationSlots ?? defaultKeyGenerationSlots()),
    ...(init.restartDelayMs === undefined ? {} : { restartDelayMs: init.restartDelayMs }),
  };
  fleet = init.cores.map((core) => runningInlineCore(core, shared, { probe: notHere }));
  fleet.forEach((core, index) => core.onRestart(() => send({ type: 'restart', index })));
  await startAll(fleet, (started, total) => send({ type: 'started', started, total }));
  send({ type: 'ready' });
}

async function handle(message: ToHost): Promise<void> {
  if (message.type === 'init') return start(message);
  if (message.type === 'states') {
    const snapshot = {
      states: fleet.map((core) => core.componentState()),
      restarts: fleet.map((core) => core.restarts()),
      rssBytes: process.memoryUsage.rss(),
    };
    return send({ type: 'states', id: message.id, snapshot });
  }
  const core = fleet[message.index];
  try {
    if (core === undefined) throw new Error(`no core ${message.index}`);
    const value =
      message.operation === 'deployConfiguration'
        ? await core.deployConfiguration(message.configuration ?? {})
        : await core[message.operation]();
    send({ type: 'result', id: message.id, ok: true, ...(value === undefined ? {} : { value }) });
  } catch (error) {
    send({ type: 'result', id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}

process.on('message', (message: ToHost) => {
  handle(message).catch((error: unknown) => {
    process.stderr.write(`core host: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
});
// The fleet's process went away: nothing is left to answer to.
process.on('disconnect', () => process.exit(0));
