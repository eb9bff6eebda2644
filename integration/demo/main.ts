import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { CreateJobCommand, IoTClient } from '@aws-sdk/client-iot';
import { startAwsStandIn, stderrLogger } from '../aws/index.js';
import { deployBackend, standInClientConfig } from '../local/deploy-backend.js';
import { provisionFleet } from '../local/fleet.js';
import type { RunningCore } from '../local/fleet-runner.js';
import { provisionHsmFleet } from '../local/hsm-fleet.js';
import { standInTimeScale, startFleet } from '../local/start-fleet.js';
import { verifyCore } from '../local/verify-fleet.js';
import { watchJob } from '../../shared/operator/job-watch.js';
import { ProgressLine, renderProgress } from '../../shared/operator/progress-bar.js';
import { startDemoAttacker } from './attacker.js';
import { DEMO_USAGE, parseDemoOptions, type DemoOptions } from './options.js';
import { demoValidity, runSchedulerOnce } from './scheduled-rotation.js';
import { componentDeployment, countOutcomes, formatSummary, type DemoSummary } from './summary.js';
import { backendResourceNames } from '../../shared/contract/index.js';

const THING_GROUP = 'CertificateRotatorDemoFleet';

async function runDemo(options: DemoOptions, say: (line: string) => void): Promise<DemoSummary> {
  const started = Date.now();
  const algorithms = { keyAlgorithm: options.keyAlgorithm, signingAlgorithm: options.signingAlgorithm };
  await mkdir('.demo', { recursive: true });
  const workDir = await mkdtemp(path.join(path.resolve('.demo'), 'run-'));
  const awsTimeScale = standInTimeScale(options.nucleus, options.timeScale);
  const standIn = await startAwsStandIn({ minuteMs: 60_000 / awsTimeScale, logger: stderrLogger('error') });
  let fleet: RunningCore[] = [];
  try {
    say(`Local AWS IoT stand-in: MQTT mTLS on ${standIn.mqtt.host}:${standIn.mqtt.port}, AWS APIs on ${standIn.http?.endpoint}`);
    const backend = await deployBackend(standIn, { issuer: options.issuer, logLevel: 'ERROR' });
    say(`Backend deployed: job template ${backendResourceNames().jobTemplate}, 3 rules, SNS topic${backend.pcaCaArn() ? `, Private CA ${backend.pcaCaArn()}` : ''}`);
    const provision = options.hsm ? provisionHsmFleet : provisionFleet;
    const validityOf = demoValidity(options.expiring, standIn.model.clock.now());
    const cores = await provision(standIn, { count: options.devices, workDir, thingGroupName: THING_GROUP, algorithms, ...(validityOf ? { validityOf } : {}) });
    say(`Provisioned ${cores.length} Greengrass cores under ${workDir}${options.hsm ? ', each with its key in its own SoftHSM2 token' : ''}`);
    fleet = await startFleet(standIn, cores, {
      nucleus: options.nucleus,
      hsm: options.hsm,
      algorithms,
      timeScale: options.timeScale,
      projectRoot: process.cwd(),
      workDir,
      thingGroupName: THING_GROUP,
      say,
    });
    const iot = new IoTClient(standInClientConfig(standIn));
    let jobIds: string[];
    if (options.expiring === undefined) {
      say(`Started ${fleet.length} cores (${options.nucleus} mode); creating the rotation job`);
      const group = standIn.model.registry.things.describeThingGroup(THING_GROUP);
      jobIds = [`demo-rotation-${Date.now()}`];
      await iot.send(new CreateJobCommand({ jobId: jobIds[0], jobTemplateArn: backend.jobTemplateArn, targets: [group.thingGroupArn], targetSelection: 'SNAPSHOT' }));
    } else {
      say(`Started ${fleet.length} cores (${options.nucleus} mode), ${options.expiring} with certificates due; running the rotation scheduler once`);
      const run = await runSchedulerOnce(standIn, backend, THING_GROUP);
      jobIds = run.jobIds;
      say(`The scheduler started ${run.targeted} rotation(s) in ${jobIds.length} job(s)`);
    }
    const attacker = options.attacker ? await startDemoAttacker(standIn, cores.map((c) => c.thingName), () => backend.securityEvents()) : undefined;
    const line = new ProgressLine();
    // An execution can last at most the in-progress timeout (5 AWS minutes); allow for rollout too.
    const timeoutMs = (2 * 5 * 60_000) / awsTimeScale + 60_000;
    const executions = [];
    for (const jobId of jobIds) {
      const progress = await watchJob(iot, jobId, {
        intervalMs: 250,
        timeoutMs,
        ...(options.expiring === undefined ? { expectedThings: cores.length } : {}),
        onProgress: (p) => line.update(renderProgress(p.counts, options.expiring ?? cores.length)),
      });
      executions.push(...progress.executions);
    }
    line.finish();
    iot.destroy();
    const attack = await attacker?.stop();

    for (const core of fleet) await core.stop();
    await standIn.rules.whenIdle();
    const outcomes = [];
    for (const core of fleet) outcomes.push(await verifyCore(standIn, core.core, core.probe));
    fleet = [];
    const statusOf = new Map(executions.map((e) => [e.thingName, e.status]));
    const statuses = cores.map((c) => statusOf.get(c.thingName) ?? (options.expiring === undefined ? 'NOT_DISPATCHED' : 'UNTOUCHED'));
    return {
      devices: cores.length,
      nucleus: options.nucleus,
      issuer: options.issuer,
      keyAlgorithm: options.keyAlgorithm,
      signingAlgorithm: options.signingAlgorithm,
      hsm: options.hsm,
      componentDeployment: componentDeployment(options.nucleus),
      jobId: jobIds.join(','),
      ...countOutcomes(statuses, outcomes),
      ...(options.expiring === undefined ? {} : { scheduledJobs: jobIds.length, untouched: statuses.filter((st) => st === 'UNTOUCHED').length }),
      ...(attack ? { attackerRequestsDropped: attack.dropped } : {}),
      notifications: standIn.model.sns.messages().map((m) => ({ ...(m.subject ? { subject: m.subject } : {}), message: m.message })),
      rotations: outcomes.map((o, i) => ({
        thingName: o.thingName,
        status: statuses[i] ?? 'UNKNOWN',
        oldCertificateId: o.initialCertificateId,
        ...(o.installedCertificateId ? { newCertificateId: o.installedCertificateId } : {}),
        ...(o.reasons.length ? { reasons: o.reasons } : {}),
      })),
      wallSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const core of fleet) await core.stop().catch(() => undefined);
    await standIn.close();
    if (!options.keep) await rm(workDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  // The demo runs on the Node.js the device needs (20); the SDK's advice to move to 22 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The functions run in this process; their CloudWatch metric lines (EMF) would fill stdout.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  let options: DemoOptions;
  try {
    options = parseDemoOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${DEMO_USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  const summary = await runDemo(options, say);
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${formatSummary(summary)}\n`);
  return summary.bricked === 0 && summary.succeeded === (options.expiring ?? summary.devices) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`Demo failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
