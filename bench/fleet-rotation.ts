import type { AlgorithmConfig } from '../component/src/config/algorithms.js';
import { runFleetInChild, type ChildFleetRun } from './fleet/spawn.js';
import type { FleetSpec, Rollout } from './fleet/result.js';
import { mebibytes, ms } from './report.js';
import type { Benchmark, BenchContext, BenchResult, BenchTable } from './types.js';

const ECDSA: AlgorithmConfig = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' };
const RSA: AlgorithmConfig = { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' };

/**
 * The component's timers run at real speed (30 s state timeouts, as on a device), so that a
 * loaded machine does not fail rotations a device would finish. The AWS minute is shortened
 * (`--minute-scale`): the template's rollout (100 a minute) and in-progress timeout (5 minutes)
 * shrink with it.
 */
export const FLEET_CLOCK_SCALE = 1;

/**
 * Default AWS-minute speed-up. At 3 a rollout window of 100 executions opens every 20 s and an
 * execution times out after 100 s, which the in-process backend keeps up with on two cores;
 * at 10 (6 s windows, 30 s timeout) a 500-core fleet outruns it and executions time out.
 */
export const DEFAULT_MINUTE_SCALE = 3;

function runs(quick: boolean, minuteScale: number): FleetSpec[] {
  const spec = (devices: number, algorithms: AlgorithmConfig): FleetSpec => ({
    devices,
    ...algorithms,
    clockScale: FLEET_CLOCK_SCALE,
    minuteScale,
  });
  // ECDSA keys for the big fleets keep the CPU for the system rather than for RSA key generation.
  return quick ? [spec(10, ECDSA), spec(50, ECDSA)] : [spec(10, ECDSA), spec(100, ECDSA), spec(500, ECDSA), spec(100, RSA)];
}

/** Alerts for anything but a clean rotation of every core. */
export function fleetAlerts({ result: r }: ChildFleetRun): string[] {
  const label = `${r.spec.devices} x ${r.spec.keyAlgorithm}`;
  const alerts: string[] = [];
  if (r.bricked > 0)
    alerts.push(`BRICKED: ${r.bricked} of ${r.spec.devices} cores (${label}) can no longer reach AWS IoT: ${r.brickedReasons.join(' | ')}`);
  const succeeded = r.statuses.SUCCEEDED ?? 0;
  if (succeeded !== r.spec.devices) {
    const others = Object.entries(r.statuses)
      .filter(([s]) => s !== 'SUCCEEDED')
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    alerts.push(
      `${label}: only ${succeeded} of ${r.spec.devices} rotations succeeded (${others || 'none dispatched'}${r.unfinished ? `, ${r.unfinished} unfinished` : ''})`,
    );
  }
  return alerts;
}

/** The job's rollout in words. */
function describeRollout(rollout: Rollout | undefined): string {
  if (!rollout) return 'AWS default';
  const parts = [`at most ${rollout.maximumPerMinute ?? 1000} a minute`];
  const e = rollout.exponentialRate;
  if (e) {
    const { numberOfNotifiedThings: notified, numberOfSucceededThings: succeeded } = e.rateIncreaseCriteria;
    const step = notified !== undefined ? `${notified} notified` : `${succeeded ?? '?'} succeeded`;
    parts.push(`exponential from ${e.baseRatePerMinute}, x${e.incrementFactor} every ${step}`);
  }
  return parts.join(', ');
}

export function fleetTable(runs: readonly ChildFleetRun[]): BenchTable {
  const results = runs.map((r) => r.result);
  const first = results[0];
  const saturated = runs
    .filter((r) => r.sdkSocketPoolWarnings > 0)
    .map((r) => `${r.result.spec.devices} x ${r.result.spec.keyAlgorithm}: ${r.sdkSocketPoolWarnings}`);
  return {
    title: 'Inline fleet rotation through the stand-in (CreateJob to every execution terminal)',
    columns: [
      'cores',
      'key',
      'wall s',
      'rot/s',
      'exec median ms',
      'exec p95 ms',
      'succeeded',
      'bricked',
      'peak RSS MiB',
      'peak heap MiB',
      'base RSS MiB',
      'setup s',
    ],
    rows: results.map((r) => [
      r.spec.devices,
      r.spec.keyAlgorithm,
      (r.wallMs / 1000).toFixed(1),
      r.rotationsPerSecond.toFixed(2),
      r.executionMs ? ms(r.executionMs.median) : '-',
      r.executionMs ? ms(r.executionMs.p95) : '-',
      `${r.statuses.SUCCEEDED ?? 0}/${r.spec.devices}`,
      r.bricked > 0 ? `${r.bricked} !!` : '0',
      mebibytes(r.peakRssBytes),
      mebibytes(r.peakHeapUsedBytes),
      mebibytes(r.baselineRssBytes),
      (r.setupMs / 1000).toFixed(1),
    ]),
    notes: first
      ? [
          `timeScale: component timers x${first.spec.clockScale} (state timeout ${30 / first.spec.clockScale} s); AWS minute x${first.spec.minuteScale} (minuteMs ${first.minuteMs})`,
          `job template: rollout ${describeRollout(first.rollout)}, in-progress timeout ${first.inProgressTimeoutMinutes ?? '-'} min (AWS minutes, scaled)`,
          'rot/s = succeeded / wall s; once a fleet outgrows one rollout window it is bound by the rollout rate',
          'exec = one execution from IN_PROGRESS to terminal; memory sampled every 100 ms during the rotation, one process per fleet',
          'issuer: AWS IoT Core (CreateCertificateFromCsr); setup (provisioning, core start) is not in wall time',
          ...(saturated.length > 0
            ? [`AWS SDK socket pool (50 per client, shared by the in-process handlers) full; warnings: ${saturated.join(', ')}`]
            : []),
        ]
      : [],
  };
}

async function run(context: BenchContext): Promise<BenchResult> {
  const results: ChildFleetRun[] = [];
  for (const spec of runs(context.quick, context.minuteScale)) {
    context.progress(`fleet-rotation: ${spec.devices} cores, ${spec.keyAlgorithm}`);
    results.push(await runFleetInChild(spec));
  }
  return {
    name: 'fleet-rotation',
    tables: [fleetTable(results)],
    data: results.map((r) => ({ ...r.result, sdkSocketPoolWarnings: r.sdkSocketPoolWarnings })),
    alerts: results.flatMap(fleetAlerts),
  };
}

export const fleetRotation: Benchmark = {
  name: 'fleet-rotation',
  description: 'inline fleet rotation through the stand-in: wall time, rotations/s, memory, bricked cores',
  run,
};
