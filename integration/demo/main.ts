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
    const cores = await provision(standIn, { count: options.devices, workDir, thingGroupName: THING_GROUP, algorithms });
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
    say(`Started ${fleet.length} cores (${options.nucleus} mode); creating the rotation job`);

    const iot = new IoTClient(standInClientConfig(standIn));
    const jobId = `demo-rotation-${Date.now()}`;
    const group = standIn.model.registry.things.describeThingGroup(THING_GROUP);
    await iot.send(new CreateJobCommand({ jobId, jobTemplateArn: backend.jobTemplateArn, targets: [group.thingGroupArn], targetSelection: 'SNAPSHOT' }));
    const attacker = options.attacker ? await startDemoAttacker(standIn, cores.map((c) => c.thingName), () => backend.securityEvents()) : undefined;
    const line = new ProgressLine();
    // An execution can last at most the in-progress timeout (5 AWS minutes); allow for rollout too.
    const timeoutMs = (2 * 5 * 60_000) / awsTimeScale + 60_000;
    const progress = await watchJob(iot, jobId, {
      intervalMs: 250,
      timeoutMs,
      expectedThings: cores.length,
      onProgress: (p) => line.update(renderProgress(p.counts, cores.length)),
    });
    line.finish();
    iot.destroy();
    const attack = await attacker?.stop();

    for (const core of fleet) await core.stop();
    await standIn.rules.whenIdle();
    const outcomes = [];
    for (const core of fleet) outcomes.push(await verifyCore(standIn, core.core, core.probe));
    fleet = [];
    const statusOf = new Map(progress.executions.map((e) => [e.thingName, e.status]));
    const statuses = cores.map((c) => statusOf.get(c.thingName) ?? 'NOT_DISPATCHED');
    return {
      devices: cores.length,
      nucleus: options.nucleus,
      issuer: options.issuer,
      keyAlgorithm: options.keyAlgorithm,
      signingAlgorithm: options.signingAlgorithm,
      hsm: options.hsm,
      componentDeployment: componentDeployment(options.nucleus),
      jobId,
      ...countOutcomes(statuses, outcomes),
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
  return summary.bricked === 0 && summary.succeeded === summary.devices ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`Demo failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
