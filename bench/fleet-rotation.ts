import type { AlgorithmConfig } from '../component/src/config/algorithms.js';
import { runFleetInChild, type ChildFleetRun } from './fleet/spawn.js';
import type { FleetSpec, Rollout } from './fleet/result.js';
import { mebibytes, ms } from './report.js';
import type { Benchmark, BenchContext, BenchResult, BenchTable, Cell } from './types.js';
import { awsFloor } from './fleet/floor.js';
import { rsaKeygenMs, rsaTable } from './fleet/rsa-keygen.js';
import type { FleetResult } from './fleet/result.js';

const ECDSA: AlgorithmConfig = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' };
const RSA: AlgorithmConfig = { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' };

/**
 * The component's timers run at real speed (30 s state timeouts, as on a device), so that a
 * loaded machine does not fail rotations a device would finish.
 */
export const FLEET_CLOCK_SCALE = 1;

/**
 * Default AWS-minute speed-up: none. The rollout (1,000 executions a minute, AWS's maximum) and
 * the request-rate quotas then run at AWS's own pace, so the wall time compares with AWS's floor.
 */
export const DEFAULT_MINUTE_SCALE = 1;

/** AWS IoT Jobs' highest rollout rate, executions a minute. */
export const MAX_ROLLOUT_PER_MINUTE = 1000;

export const FLEET_SIZE = { full: 1000, quick: 20 };

function runs(devices: number, rsaDevices: number, minuteScale: number): FleetSpec[] {
  const spec = (algorithms: AlgorithmConfig, throttled: boolean): FleetSpec => ({
    devices: algorithms === RSA ? rsaDevices : devices,
    ...algorithms,
    clockScale: FLEET_CLOCK_SCALE,
    minuteScale,
    throttled,
    rolloutPerMinute: MAX_ROLLOUT_PER_MINUTE,
  });
  // RSA runs unthrottled: it measures what RSA key generation on the cores costs the fleet, which
  // the quotas (the same for both key types) would hide.
  return [spec(ECDSA, true), spec(ECDSA, false), spec(RSA, false)];
}

/** Alerts for anything but a clean rotation of every core. */
export function fleetAlerts({ result: r }: ChildFleetRun): string[] {
  const label = `${r.spec.devices} x ${r.spec.keyAlgorithm}`;
  const alerts: string[] = [];
  if (r.bricked > 0)
    alerts.push(`BRICKED: ${r.bricked} of ${r.spec.devices} cores (${label}) can no longer reach AWS IoT: ${r.brickedReasons.join(' | ')}`);
  if (r.registryInconsistent > 0)
    alerts.push(
      `Registry inconsistent: ${r.registryInconsistent} of ${r.spec.devices} cores (${label}) work, on things without exactly one ACTIVE certificate: ${r.registryProblems.join(' | ')}`,
    );
  if (r.unsettled > 0)
    alerts.push(
      `${r.unsettled} of ${r.spec.devices} cores (${label}) still busy long after their jobs ended: ${r.unsettledCores.join(' | ')}`,
    );
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
      'quotas',
      'wall s',
      'AWS floor s',
      'wall/floor',
      'throttled calls',
      'rot/s',
      'exec median ms',
      'exec p95 ms',
      'succeeded',
      'bricked',
      'registry inconsistent',
      'awaiting next rotation',
      'peak RSS MiB',
      'peak heap MiB',
      'base RSS MiB',
      'setup s',
    ],
    rows: results.map((r) => [
      r.spec.devices,
      r.spec.keyAlgorithm,
      r.spec.throttled ? 'on' : 'off',
      (r.wallMs / 1000).toFixed(1),
      ...floorCells(r),
      Object.values(r.throttledCalls).reduce((a, b) => a + b, 0),
      r.rotationsPerSecond.toFixed(2),
      r.executionMs ? ms(r.executionMs.median) : '-',
      r.executionMs ? ms(r.executionMs.p95) : '-',
      `${r.statuses.SUCCEEDED ?? 0}/${r.spec.devices}`,
      r.bricked > 0 ? `${r.bricked} !!` : '0',
      r.registryInconsistent > 0 ? `${r.registryInconsistent} !` : '0',
      r.awaitingNextRotation,
      mebibytes(r.peakRssBytes),
      mebibytes(r.peakHeapUsedBytes),
      mebibytes(r.baselineRssBytes),
      (r.setupMs / 1000).toFixed(1),
    ]),
    notes: first
      ? [
          `timeScale: component timers x${first.spec.clockScale} (state timeout ${30 / first.spec.clockScale} s); AWS minute x${first.spec.minuteScale} (minuteMs ${first.minuteMs})`,
          `job template: rollout ${describeRollout(first.rollout)}, in-progress timeout ${first.inProgressTimeoutMinutes ?? '-'} min (AWS minutes, scaled)`,
          'rot/s = succeeded / wall s',
          ...floorNotes(results),
          'exec = one execution from IN_PROGRESS to terminal; memory sampled every 100 ms during the rotation, one process per fleet (the Lambda execution environments are processes of their own, not counted)',
          "awaiting next rotation = both certificates left, announced on SNS, for the core's next rotation to settle (README): a job ended past its commit with the core silent about which it kept, or a clean-up that did not complete",
          'issuer: AWS IoT Core (CreateCertificateFromCsr); setup (provisioning, core start) is not in wall time; cores are checked once all are at rest',
          ...(saturated.length > 0
            ? [`AWS SDK socket pool (50 per client, shared by the in-process handlers) full; warnings: ${saturated.join(', ')}`]
            : []),
        ]
      : [],
  };
}

async function run(context: BenchContext): Promise<BenchResult> {
  const devices = context.devices ?? FLEET_SIZE[context.quick ? 'quick' : 'full'];
  const results: ChildFleetRun[] = [];
  const rsaDevices = context.rsaDevices ?? devices;
  for (const spec of runs(devices, rsaDevices, context.minuteScale)) {
    context.progress(`fleet-rotation: ${spec.devices} cores, ${spec.keyAlgorithm}, quotas ${spec.throttled ? 'on' : 'off'}`);
    results.push(await runFleetInChild(spec));
  }
  context.progress(`fleet-rotation: ${rsaDevices} RSA-2048 keys and CSRs in this process`);
  const rsaKeys = await rsaKeygenMs(rsaDevices);
  const rsaFleet = results.find((r) => r.result.spec.keyAlgorithm === RSA.keyAlgorithm)?.result;
  return {
    name: 'fleet-rotation',
    tables: [fleetTable(results), rsaTable(rsaDevices, rsaKeys, rsaFleet)],
    data: {
      fleets: results.map((r) => ({ ...r.result, awsFloor: awsFloor(r.result), sdkSocketPoolWarnings: r.sdkSocketPoolWarnings })),
      rsaKeygen: { keys: rsaDevices, ms: rsaKeys, fleetToKeygen: rsaFleet ? rsaFleet.wallMs / rsaKeys : undefined },
    },
    alerts: results.flatMap(fleetAlerts),
  };
}

export const fleetRotation: Benchmark = {
  name: 'fleet-rotation',
  description: 'inline fleet, rollout 1,000/min, quotas on and off, ECDSA and RSA: wall time against AWS floor, memory',
  run,
};

function floorCells(r: FleetResult): Cell[] {
  if (!r.spec.throttled) return ['-', '-'];
  const floor = awsFloor(r);
  return [(floor.floorMs / 1000).toFixed(1), (r.wallMs / floor.floorMs).toFixed(2)];
}

function floorNotes(results: readonly FleetResult[]): string[] {
  return results
    .filter((r) => r.spec.throttled)
    .map((r) => {
      const f = awsFloor(r);
      const q = f.tightestQuota;
      const quota = q
        ? `${q.operations} at ${q.ratePerSecond}/s: ${q.calls} calls (${q.callsPerRotation.toFixed(2)} a rotation) need ${(q.ms / 1000).toFixed(1)} s`
        : 'no quota-bound call';
      const bound = f.exact
        ? 'every rotation succeeded: the floor of this run'
        : `only ${r.statuses.SUCCEEDED ?? 0} of ${r.spec.devices} succeeded: a lower bound, failed rotations make fewer calls`;
      return `AWS floor (${r.spec.devices} x ${r.spec.keyAlgorithm}) = max(rollout ${(f.rolloutMs / 1000).toFixed(1)} s, tightest quota: ${quota}); ${bound}`;
    });
}
