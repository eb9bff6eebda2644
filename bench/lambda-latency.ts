import { ACCOUNT_CONCURRENCY_LIMIT } from '../integration/aws/index.js';
import { runFleetInChild } from './fleet/spawn.js';
import { FLEET_CLOCK_SCALE, fleetAlerts } from './fleet-rotation.js';
import { ms } from './report.js';
import type { Benchmark, BenchContext, BenchResult } from './types.js';
import { backendResourceNames } from '../shared/contract/index.js';

/** The backend's rule functions as deployBackend names them, in the order a rotation calls them. */
const FUNCTIONS = backendResourceNames().functions;
const HANDLERS = [
  ['create', FUNCTIONS.createCertificate],
  ['commit', FUNCTIONS.commitCertificate],
  ['terminal', FUNCTIONS.jobExecutionTerminal],
] as const;

const ROTATIONS = { full: 50, quick: 10 };

async function run(context: BenchContext): Promise<BenchResult> {
  const devices = ROTATIONS[context.quick ? 'quick' : 'full'];
  context.progress(`lambda-latency: ${devices} rotations`);
  const child = await runFleetInChild({
    devices,
    keyAlgorithm: 'ECDSA-P256',
    signingAlgorithm: 'ECDSA-WITH-SHA256',
    clockScale: FLEET_CLOCK_SCALE,
    minuteScale: context.minuteScale,
    throttled: true,
  });
  const { result } = child;
  const rows = HANDLERS.map(([label, functionName]) => {
    const h = result.handlers[functionName];
    if (!h?.ms) return [label, 0, 0, '-', '-', '-', '-'];
    return [label, h.invocations, h.failed, ms(h.ms.median), ms(h.ms.p95), ms(h.ms.min), ms(h.ms.max)];
  });
  return {
    name: 'lambda-latency',
    tables: [
      {
        title: `Backend function latency, in the stand-in's Lambda execution environments (${devices} rotations), ms`,
        columns: ['handler', 'invocations', 'failed', 'median', 'p95', 'min', 'max'],
        rows,
        notes: [
          'timed from the rule action invoking the function to its invocation ending, queueing for an environment included (bundled code, HTTPS to the stand-in)',
          `environments started on demand up to the account's concurrency limit (${ACCOUNT_CONCURRENCY_LIMIT}), each a process of its own, on the machine that also runs ${devices} cores and the stand-in`,
          ...(child.sdkSocketPoolWarnings > 0
            ? [`AWS SDK socket pool full (${child.sdkSocketPoolWarnings} warnings): calls queued inside the handlers`]
            : []),
        ],
      },
    ],
    data: {
      rotations: devices,
      minuteScale: context.minuteScale,
      handlers: result.handlers,
      statuses: result.statuses,
      bricked: result.bricked,
      sdkSocketPoolWarnings: child.sdkSocketPoolWarnings,
    },
    alerts: fleetAlerts(child),
  };
}

export const lambdaLatency: Benchmark = {
  name: 'lambda-latency',
  description: 'create/commit/terminal handler latency (median, p95) over a fleet rotation',
  run,
};
