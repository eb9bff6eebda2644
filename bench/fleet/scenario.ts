import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateJobCommand, IoTClient } from '@aws-sdk/client-iot';
import { startAwsStandIn, stderrLogger } from '../../integration/aws/index.js';
import { deployBackend, standInClientConfig } from '../../integration/local/deploy-backend.js';
import { startInlineFleet, type RunningCore } from '../../integration/local/fleet-runner.js';
import { untilFleetIdle } from '../../integration/local/settle-fleet.js';
import { verifyCore } from '../../integration/local/verify-fleet.js';
import { summarize } from '../stats.js';
import { timeRuleFunctions, type HandlerTiming } from './handler-timer.js';
import { countStatuses, executionDurations, lastEnd, waitForJobEnd } from './job-wait.js';
import { sampleMemory } from './memory-sampler.js';
import { provisionFleet } from '../../integration/local/fleet.js';
import type { FleetResult, FleetSpec } from './result.js';

const THING_GROUP = 'CertificateRotatorBenchFleet';
/** The template's in-progress timeout: the CDK construct's default, which the deployed template carries. */
const IN_PROGRESS_TIMEOUT_MINUTES = 5;
/** Verification connects once per core; a few at a time keeps it short without a handshake storm. */
const VERIFY_CONCURRENCY = 8;

/** `fn` over `items`, at most `limit` at a time; results in the order of `items`. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Per-operation counts accumulated since `before`. */
function since(now: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(now)
      .map(([op, n]) => [op, n - (before[op] ?? 0)])
      .filter(([, n]) => (n as number) > 0),
  );
}

function handlerFigures(timings: readonly HandlerTiming[]): FleetResult['handlers'] {
  const names = [...new Set(timings.map((t) => t.functionName))];
  return Object.fromEntries(
    names.map((name) => {
      const mine = timings.filter((t) => t.functionName === name);
      return [name, { invocations: mine.length, failed: mine.filter((t) => t.failed).length, ms: summarize(mine.map((t) => t.ms)) }];
    }),
  );
}

/**
 * Rotates a fleet of inline cores through the stand-in with the real component and backend
 * code, and measures it: wall time from CreateJob to the last execution ending, per-execution
 * time, memory peaks during the rotation, handler latencies, and (after) whether each core
 * still reaches AWS IoT with exactly its installed certificate.
 */
export async function runFleetRotation(spec: FleetSpec, progress: (line: string) => void): Promise<FleetResult> {
  const label = `fleet ${spec.devices} ${spec.keyAlgorithm}`;
  const setupStart = Date.now();
  const say = (what: string): void => progress(`${label}: ${what} (+${((Date.now() - setupStart) / 1000).toFixed(0)} s)`);
  const memory = sampleMemory();
  const algorithms = { keyAlgorithm: spec.keyAlgorithm, signingAlgorithm: spec.signingAlgorithm };
  const minuteMs = 60_000 / spec.minuteScale;
  const standIn = await startAwsStandIn({ minuteMs, logger: stderrLogger('error'), apiQuotas: spec.throttled });
  const handlers = timeRuleFunctions(standIn.rules);
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'bench-fleet-'));
  let fleet: RunningCore[] = [];
  try {
    const backend = await deployBackend(standIn, {
      issuer: 'iot',
      logLevel: 'ERROR',
      inProgressTimeoutMinutes: IN_PROGRESS_TIMEOUT_MINUTES,
      ...(spec.rolloutPerMinute === undefined ? {} : { rolloutPerMinute: spec.rolloutPerMinute }),
    });
    say('provisioning');
    const cores = await provisionFleet(standIn, { count: spec.devices, workDir, thingGroupName: THING_GROUP, algorithms });
    fleet = await startInlineFleet(standIn, cores, { algorithms, componentTimerScale: spec.clockScale });
    const setupMs = Date.now() - setupStart;

    const iot = new IoTClient(standInClientConfig(standIn));
    const group = standIn.model.registry.things.describeThingGroup(THING_GROUP);
    const jobId = `bench-rotation-${Date.now()}`;
    const baseline = process.memoryUsage();
    const callsBefore = { ...standIn.rateLimits?.admittedByOperation() };
    const throttledBefore = { ...standIn.rateLimits?.throttledByOperation() };
    memory.reset();
    say('rotating');
    const jobStart = Date.now();
    await iot.send(
      new CreateJobCommand({ jobId, jobTemplateArn: backend.jobTemplateArn, targets: [group.thingGroupArn], targetSelection: 'SNAPSHOT' }),
    );
    iot.destroy();
    // Every window of the rollout, then one in-progress timeout for the last ones, and a margin.
    const deadline =
      jobStart + (Math.ceil(spec.devices / (spec.rolloutPerMinute ?? 100)) + IN_PROGRESS_TIMEOUT_MINUTES) * minuteMs + 60_000;
    const end = await waitForJobEnd(standIn.model, jobId, spec.devices, deadline);
    const peaks = memory.stop();
    const apiCalls = since(standIn.rateLimits?.admittedByOperation() ?? {}, callsBefore);
    const throttledCalls = since(standIn.rateLimits?.throttledByOperation() ?? {}, throttledBefore);
    const wallMs = (lastEnd(end.executions) ?? Date.now()) - jobStart;
    const job = standIn.model.jobs.describeJob(jobId).job;

    // Executions can end (timed out) while their cores still work; each is checked at rest.
    say('waiting for every core to come to rest');
    const unsettled = await untilFleetIdle(fleet, { componentTimerScale: spec.clockScale });
    say('verifying');
    for (const core of fleet) await core.stop();
    await standIn.rules.whenIdle();
    const outcomes = await mapLimit(fleet, VERIFY_CONCURRENCY, (core) => verifyCore(standIn, core.core, core.probe));
    fleet = [];
    const statuses = countStatuses(end.executions);
    const durations = executionDurations(end.executions);
    const bricked = outcomes.filter((o) => o.bricked);
    const inconsistent = outcomes.filter((o) => o.registryInconsistent);
    return {
      spec,
      minuteMs,
      rollout: job.jobExecutionsRolloutConfig,
      ...(job.timeoutConfig?.inProgressTimeoutInMinutes === undefined
        ? {}
        : { inProgressTimeoutMinutes: job.timeoutConfig.inProgressTimeoutInMinutes }),
      setupMs,
      wallMs,
      rotationsPerSecond: (statuses.SUCCEEDED ?? 0) / (wallMs / 1000),
      ...(durations.length > 0 ? { executionMs: summarize(durations) } : {}),
      statuses,
      unfinished: spec.devices - end.executions.filter((e) => e.status !== 'QUEUED' && e.status !== 'IN_PROGRESS').length,
      unsettled: unsettled.length,
      unsettledCores: unsettled.slice(0, 5).map((u) => `${u.thingName}: ${u.state}`),
      bricked: bricked.length,
      brickedReasons: bricked.slice(0, 5).map((o) => `${o.thingName}: ${o.reasons.join('; ')}`),
      registryInconsistent: inconsistent.length,
      awaitingNextRotation: outcomes.filter((o) => o.awaitingNextRotation).length,
      registryProblems: inconsistent.slice(0, 5).map((o) => `${o.thingName}: ${o.registryProblems.join('; ')}`),
      baselineRssBytes: baseline.rss,
      baselineHeapUsedBytes: baseline.heapUsed,
      peakRssBytes: peaks.peakRssBytes,
      peakHeapUsedBytes: peaks.peakHeapUsedBytes,
      memorySamples: peaks.samples,
      apiCalls,
      throttledCalls,
      handlers: handlerFigures(handlers.timings()),
    };
  } finally {
    memory.stop();
    for (const core of fleet) await core.stop().catch(() => undefined);
    await standIn.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
