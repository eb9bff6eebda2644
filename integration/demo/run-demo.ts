import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { CreateJobCommand, IoTClient } from '@aws-sdk/client-iot';
import { startAwsStandIn, stderrLogger } from '../aws/index.js';
import { deployBackend, standInClientConfig } from '../local/deploy-backend.js';
import { provisionFleet } from '../local/fleet.js';
import type { RunningCore } from '../local/fleet-runner.js';
import { provisionHsmFleet } from '../local/hsm-fleet.js';
import { startFleet } from '../local/start-fleet.js';
import { verifyCore, type CoreOutcome } from '../local/verify-fleet.js';
import { backendResourceNames } from '../../shared/contract/index.js';
import { withFailureReasons } from '../../shared/operator/failure-reasons.js';
import { watchJob } from '../../shared/operator/job-watch.js';
import { ProgressLine, renderCount, renderProgress } from '../../shared/operator/progress-bar.js';
import { startDemoAttacker } from './attacker.js';
import type { DemoOptions } from './options.js';
import { IN_PROGRESS_TIMEOUT_MINUTES, TEMPLATE_ROLLOUT_PER_MINUTE, jobTiming, pacedRollout } from './pacing.js';
import { componentDeployment, countOutcomes, type DemoSummary } from './summary.js';

const THING_GROUP = 'CertificateRotatorDemoFleet';
/** Checking a core opens one TLS connection; a few at a time keeps it short without a handshake storm. */
const VERIFY_CONCURRENCY = 8;

/** `fn` over `items`, at most `limit` at a time, results in order; `onDone` after each. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>, onDone: (done: number) => void): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      results[i] = await fn(items[i] as T);
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A progress line for one counted step, with the step's own elapsed time. */
function countedStep(what: string, total: number): { update(done: number): void; finish(): void } {
  const line = new ProgressLine(process.stderr, 2000);
  const started = Date.now();
  return {
    update: (done) => line.update(renderCount(done, total, what, Date.now() - started)),
    finish: () => line.finish(),
  };
}

/** Runs the demo end to end; progress on stderr through `say`, the summary as the result. */
export async function runDemo(options: DemoOptions, say: (line: string) => void): Promise<DemoSummary> {
  const started = Date.now();
  const algorithms = { keyAlgorithm: options.keyAlgorithm, signingAlgorithm: options.signingAlgorithm };
  await mkdir('.demo', { recursive: true });
  const workDir = await mkdtemp(path.join(path.resolve('.demo'), 'run-'));
  const minuteMs = 60_000 / options.minuteScale;
  const standIn = await startAwsStandIn({ minuteMs, logger: stderrLogger('error') });
  let fleet: RunningCore[] = [];
  try {
    say(`Local AWS IoT stand-in: MQTT mTLS on ${standIn.mqtt.host}:${standIn.mqtt.port}, AWS APIs on ${standIn.http?.endpoint}`);
    const backend = await deployBackend(standIn, {
      issuer: options.issuer,
      logLevel: 'ERROR',
      inProgressTimeoutMinutes: IN_PROGRESS_TIMEOUT_MINUTES,
      progress: (step) => say(`  deploying the backend: ${step}`),
    });
    say(`Backend deployed: job template ${backendResourceNames().jobTemplate}, 3 rules, SNS topic${backend.pcaCaArn() ? `, Private CA ${backend.pcaCaArn()}` : ''}`);
    const provision = options.hsm ? provisionHsmFleet : provisionFleet;
    const provisioning = countedStep('cores provisioned', options.devices);
    const provisioningStarted = Date.now();
    const cores = await provision(standIn, { count: options.devices, workDir, thingGroupName: THING_GROUP, algorithms, onProgress: provisioning.update });
    provisioning.finish();
    const secondsPerCore = (Date.now() - provisioningStarted) / 1000 / cores.length;
    say(`Provisioned ${cores.length} Greengrass cores under ${workDir}${options.hsm ? ', each with its key in its own SoftHSM2 token' : ''}`);
    const starting = countedStep(`cores started (${options.nucleus} mode)`, cores.length);
    fleet = await startFleet(standIn, cores, {
      nucleus: options.nucleus,
      hsm: options.hsm,
      algorithms,
      componentTimerScale: options.componentTimerScale,
      projectRoot: process.cwd(),
      workDir,
      thingGroupName: THING_GROUP,
      say,
      onStarted: starting.update,
    });
    starting.finish();
    const timers = options.componentTimerScale === 1 ? '30 s per step, as on a device' : `30 s / ${options.componentTimerScale} per step (--experimental-timer-scale)`;
    say(`Started ${fleet.length} cores (${options.nucleus} mode); component timers ${timers}`);
    const perMinute = options.rollout ?? pacedRollout(secondsPerCore, options.minuteScale);
    const { watchTimeoutMs } = jobTiming(cores.length, options.minuteScale, perMinute);
    const pace = options.rollout === undefined ? `paced to this machine (${secondsPerCore.toFixed(2)} s per core provisioned; --rollout N to choose)` : 'from --rollout';
    say(`AWS minutes run ${options.minuteScale}x faster: an AWS minute is ${(minuteMs / 1000).toFixed(0)} s, the in-progress timeout ${((IN_PROGRESS_TIMEOUT_MINUTES * minuteMs) / 1000).toFixed(0)} s`);
    say(`Rollout: ${perMinute} cores per AWS minute, ${pace}; the template's is ${TEMPLATE_ROLLOUT_PER_MINUTE}`);

    const iot = new IoTClient(standInClientConfig(standIn));
    const jobId = `demo-rotation-${Date.now()}`;
    const group = standIn.model.registry.things.describeThingGroup(THING_GROUP);
    await iot.send(
      new CreateJobCommand({
        jobId,
        jobTemplateArn: backend.jobTemplateArn,
        targets: [group.thingGroupArn],
        targetSelection: 'SNAPSHOT',
        // A job created from a template may set its own rollout; the rest comes from the template.
        ...(perMinute < TEMPLATE_ROLLOUT_PER_MINUTE ? { jobExecutionsRolloutConfig: { maximumPerMinute: perMinute } } : {}),
      }),
    );
    say(`Created rotation job ${jobId}`);
    const attacker = options.attacker ? await startDemoAttacker(standIn, cores.map((c) => c.thingName), () => backend.securityEvents()) : undefined;
    const line = new ProgressLine();
    const progress = await watchJob(iot, jobId, {
      intervalMs: 250,
      timeoutMs: watchTimeoutMs,
      expectedThings: cores.length,
      onProgress: (p) => line.update(renderProgress(p.counts, cores.length)),
    });
    line.finish();
    const statusOf = new Map(progress.executions.map((e) => [e.thingName, e.status]));
    const executions = await withFailureReasons(
      iot,
      jobId,
      cores.map((c) => ({ thingName: c.thingName, status: statusOf.get(c.thingName) ?? 'NOT_DISPATCHED' })),
    );
    iot.destroy();
    const attack = await attacker?.stop();

    for (const core of fleet) await core.stop();
    await standIn.rules.whenIdle();
    const checking = countedStep('cores checked: connect with what they have installed', fleet.length);
    const outcomes: CoreOutcome[] = await mapLimit(fleet, VERIFY_CONCURRENCY, (core) => verifyCore(standIn, core.core, core.probe), checking.update);
    checking.finish();
    fleet = [];
    return {
      devices: cores.length,
      nucleus: options.nucleus,
      issuer: options.issuer,
      keyAlgorithm: options.keyAlgorithm,
      signingAlgorithm: options.signingAlgorithm,
      hsm: options.hsm,
      minuteScale: options.minuteScale,
      rolloutPerMinute: perMinute,
      componentTimerScale: options.componentTimerScale,
      componentDeployment: componentDeployment(options.nucleus),
      jobId,
      ...countOutcomes(executions.map((e) => e.status), outcomes),
      ...(attack ? { attackerRequestsDropped: attack.dropped } : {}),
      notifications: standIn.model.sns.messages().map((m) => ({ ...(m.subject ? { subject: m.subject } : {}), message: m.message })),
      rotations: outcomes.map((o, i) => ({
        thingName: o.thingName,
        status: executions[i]?.status ?? 'UNKNOWN',
        ...(executions[i]?.reason ? { reason: executions[i].reason } : {}),
        oldCertificateId: o.initialCertificateId,
        ...(o.installedCertificateId ? { newCertificateId: o.installedCertificateId } : {}),
        ...(o.reasons.length ? { brickedBecause: o.reasons } : {}),
      })),
      wallSeconds: (Date.now() - started) / 1000,
      ...(options.keep ? { workDir } : {}),
    };
  } finally {
    for (const core of fleet) await core.stop().catch(() => undefined);
    await standIn.close();
    if (!options.keep) await rm(workDir, { recursive: true, force: true });
  }
}
