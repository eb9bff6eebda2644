import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { CreateJobCommand, IoTClient } from '@aws-sdk/client-iot';
import { startAwsStandIn, stderrLogger } from '../aws/index.js';
import { deployBackend, standInClientConfig } from '../local/deploy-backend.js';
import { provisionFleet } from '../local/fleet.js';
import type { RunningCore } from '../local/fleet-runner.js';
import { provisionHsmFleet } from '../local/hsm-fleet.js';
import { startFleet } from '../local/start-fleet.js';
import { untilFleetIdle } from '../local/settle-fleet.js';
import { verifyCore, type CoreOutcome } from '../local/verify-fleet.js';
import { backendResourceNames } from '../../shared/contract/index.js';
import { withFailureReasons } from '../../shared/operator/failure-reasons.js';
import { watchJob } from '../../shared/operator/job-watch.js';
import { ProgressLine, renderCount, renderProgress } from '../../shared/operator/progress-bar.js';
import { startDemoAttacker } from './attacker.js';
import type { DemoOptions } from './options.js';
import { IN_PROGRESS_TIMEOUT_MINUTES, TEMPLATE_ROLLOUT_PER_MINUTE, jobTiming, pacedRollout } from './pacing.js';
import { demoValidity, runSchedulerOnce } from './scheduled-rotation.js';
import { componentDeployment, countOutcomes, type DemoSummary } from './summary.js';

const THING_GROUP = 'CertificateRotatorDemoFleet';
/** Checking a core opens one TLS connection; a few at a time keeps it short without a handshake storm. */
const VERIFY_CONCURRENCY = 8;

/** `fn` over `items`, at most `limit` at a time, results in order; `onDone` after each. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  onDone: (done: number) => void,
): Promise<R[]> {
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
    say(
      `Backend deployed from its synthesized CloudFormation template (stack ${backend.stack.stackName}): job template ${backendResourceNames().jobTemplate}, 3 rules, ${standIn.lambda?.listFunctions().length ?? 0} functions with their roles, SNS topic${backend.pcaCaArn() ? `, Private CA ${backend.pcaCaArn()}` : ''}`,
    );
    const provision = options.hsm ? provisionHsmFleet : provisionFleet;
    const provisioning = countedStep('cores provisioned', options.devices);
    const provisioningStarted = Date.now();
    const validityOf = demoValidity(options.expiring, standIn.model.clock.now());
    const cores = await provision(standIn, {
      count: options.devices,
      workDir,
      thingGroupName: THING_GROUP,
      algorithms,
      onProgress: provisioning.update,
      ...(validityOf ? { validityOf } : {}),
    });
    provisioning.finish();
    const secondsPerCore = (Date.now() - provisioningStarted) / 1000 / cores.length;
    say(
      `Provisioned ${cores.length} Greengrass cores under ${workDir}${options.hsm ? ', each with its key in its own SoftHSM2 token' : ''}`,
    );
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
    const timers =
      options.componentTimerScale === 1
        ? '30 s per step, as on a device'
        : `30 s / ${options.componentTimerScale} per step (--experimental-timer-scale)`;
    say(`Started ${fleet.length} cores (${options.nucleus} mode); component timers ${timers}`);
    const perMinute = options.rollout ?? pacedRollout(secondsPerCore, options.minuteScale);
    const { watchTimeoutMs } = jobTiming(cores.length, options.minuteScale, perMinute);
    const pace =
      options.rollout === undefined
        ? `paced to this machine (${secondsPerCore.toFixed(2)} s per core provisioned; --rollout N to choose)`
        : 'from --rollout';
    say(
      `AWS minutes run ${options.minuteScale}x faster: an AWS minute is ${(minuteMs / 1000).toFixed(0)} s, the in-progress timeout ${((IN_PROGRESS_TIMEOUT_MINUTES * minuteMs) / 1000).toFixed(0)} s`,
    );
    say(`Rollout: ${perMinute} cores per AWS minute, ${pace}; the template's is ${TEMPLATE_ROLLOUT_PER_MINUTE}`);

    const iot = new IoTClient(standInClientConfig(standIn));
    let jobIds: string[];
    if (options.expiring === undefined) {
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
      jobIds = [jobId];
    } else {
      say(`${options.expiring} of the cores have certificates due; running the rotation scheduler once`);
      const run = await runSchedulerOnce(standIn, backend, THING_GROUP);
      jobIds = run.jobIds;
      say(`The scheduler started ${run.targeted} rotation(s) in ${jobIds.length} job(s)`);
    }
    const expected = options.expiring ?? cores.length;
    const attacker = options.attacker
      ? await startDemoAttacker(
          standIn,
          cores.map((c) => c.thingName),
          () => backend.securityEvents(),
        )
      : undefined;
    const line = new ProgressLine();
    const statusOf = new Map<string, string>();
    const reasonsFrom: { jobId: string; thingNames: string[] }[] = [];
    for (const jobId of jobIds) {
      const progress = await watchJob(iot, jobId, {
        intervalMs: 250,
        timeoutMs: watchTimeoutMs,
        ...(options.expiring === undefined ? { expectedThings: cores.length } : {}),
        onProgress: (p) => line.update(renderProgress(p.counts, expected)),
      });
      for (const e of progress.executions) statusOf.set(e.thingName, e.status);
      reasonsFrom.push({ jobId, thingNames: progress.executions.map((e) => e.thingName) });
    }
    line.finish();
    // A core no job reached: with --expiring the scheduler left it alone on purpose.
    const unreached = options.expiring === undefined ? 'NOT_DISPATCHED' : 'UNTOUCHED';
    const explained = new Map<string, { status: string; reason?: string }>();
    for (const { jobId, thingNames } of reasonsFrom) {
      const withReasons = await withFailureReasons(
        iot,
        jobId,
        thingNames.map((thingName) => ({ thingName, status: statusOf.get(thingName) ?? unreached })),
      );
      for (const e of withReasons) explained.set(e.thingName, e);
    }
    const executions: { status: string; reason?: string }[] = cores.map((c) => explained.get(c.thingName) ?? { status: unreached });
    iot.destroy();
    const attack = await attacker?.stop();

    // An execution can end (timed out) while its core still works; each core is checked at rest.
    const resting = countedStep('cores at rest after their jobs', fleet.length);
    const unsettled = await untilFleetIdle(fleet, { componentTimerScale: options.componentTimerScale, onProgress: resting.update });
    resting.finish();
    if (unsettled.length > 0)
      say(
        `  ${unsettled.length} cores still busy long after their jobs ended, checked as they are: ${unsettled
          .slice(0, 5)
          .map((u) => `${u.thingName} (${u.state})`)
          .join(', ')}`,
      );
    for (const core of fleet) await core.stop();
    await standIn.rules.whenIdle();
    const checking = countedStep('cores checked: connect with what they have installed', fleet.length);
    const outcomes: CoreOutcome[] = await mapLimit(
      fleet,
      VERIFY_CONCURRENCY,
      (core) => verifyCore(standIn, core.core, core.probe),
      checking.update,
    );
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
      backendDeployment: backend.kind,
      componentDeployment: componentDeployment(options.nucleus),
      jobId: jobIds.join(','),
      ...countOutcomes(
        executions.map((e) => e.status),
        outcomes,
      ),
      ...(options.expiring === undefined
        ? {}
        : { scheduledJobs: jobIds.length, untouched: executions.filter((e) => e.status === 'UNTOUCHED').length }),
      ...(attack ? { attackerRequestsDropped: attack.dropped } : {}),
      ...(unsettled.length > 0 ? { unsettled: unsettled.length } : {}),
      notifications: standIn.model.sns.messages().map((m) => ({ ...(m.subject ? { subject: m.subject } : {}), message: m.message })),
      rotations: outcomes.map((o, i) => ({
        thingName: o.thingName,
        status: executions[i]?.status ?? 'UNKNOWN',
        ...(executions[i]?.reason ? { reason: executions[i].reason } : {}),
        oldCertificateId: o.initialCertificateId,
        ...(o.installedCertificateId ? { newCertificateId: o.installedCertificateId } : {}),
        ...(o.reasons.length ? { brickedBecause: o.reasons } : {}),
        ...(o.registryProblems.length ? { registryProblems: o.registryProblems } : {}),
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
