import { IoTClient, type IoTClientConfig } from '@aws-sdk/client-iot';
import { clientConfig, runAwsCommand, type CliIo } from './cli.js';
import { readFleetStatus } from './fleet-status.js';
import { formatFleetStatus } from './fleet-status-format.js';
import { FLEET_STATUS_USAGE, parseFleetStatusArgs, type FleetStatusOptions } from './fleet-status-options.js';
import { ProgressLine } from '../../shared/operator/progress-bar.js';

/** Progress is worth showing from this many cores on; a small group is read in a moment. */
const PROGRESS_FROM = 50;

/**
 * The tool's AWS IoT client: adaptive retry slows the reads down when AWS IoT throttles them
 * (about 10 calls a second per operation) instead of failing a large group's cores.
 */
export function fleetStatusClient(config: IoTClientConfig): IoTClient {
  return new IoTClient({ ...config, maxAttempts: 20, retryMode: 'adaptive' });
}

export async function runFleetStatus(
  options: FleetStatusOptions,
  io: CliIo,
  deps: { iot?: IoTClient; now?: () => number } = {},
): Promise<number> {
  // The SDK's adaptive retry slows down on throttling instead of failing a large group's read.
  const iot = deps.iot ?? fleetStatusClient(clientConfig(options));
  try {
    const line = new ProgressLine(io.stderr);
    const status = await readFleetStatus(iot, options.thingGroup, {
      concurrency: options.concurrency,
      now: (deps.now ?? Date.now)(),
      onProgress: (read, total) => {
        if (total >= PROGRESS_FROM) line.update(`Reading ${options.thingGroup}: ${read}/${total} core devices`);
      },
    });
    line.finish();
    io.stdout.write(options.json ? `${JSON.stringify(status)}\n` : `${formatFleetStatus(status)}\n`);
    return status.unreadable === 0 ? 0 : 1;
  } finally {
    if (!deps.iot) iot.destroy();
  }
}

/** The command: parses argv, prints help or runs; returns the exit code (2 for a bad command line). */
export function fleetStatusMain(argv: string[], io: CliIo, deps: { iot?: IoTClient; now?: () => number } = {}): Promise<number> {
  return runAwsCommand(argv, io, {
    name: 'fleet-status',
    usage: FLEET_STATUS_USAGE,
    parse: parseFleetStatusArgs,
    run: (options) => runFleetStatus(options, io, deps),
  });
}
