import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateJobCommand, IoTClient } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchJob } from '../../../shared/operator/job-watch.js';
import { startAwsStandIn, stderrLogger, type AwsStandIn } from '../../aws/index.js';
import { deployBackend, standInClientConfig, type BackendDeployment } from '../deploy-backend.js';
import { provisionFleet, type ProvisionedCore } from '../fleet.js';
import { untilFleetIdle } from '../settle-fleet.js';
import { INLINE_TEST_TIME_SCALE } from '../start-fleet.js';
import { verifyCore } from '../verify-fleet.js';
import { startHostedFleet, type HostedFleet } from './hosted-fleet.js';

const GROUP = 'HostedFleet';
const ALGORITHMS = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } as const;

describe('cores hosted in a process of their own', () => {
  let standIn: AwsStandIn;
  let backend: BackendDeployment;
  let workDir: string;
  let cores: ProvisionedCore[];
  let hosted: HostedFleet | undefined;
  const started: number[] = [];

  beforeAll(async () => {
    standIn = await startAwsStandIn({ minuteMs: 60_000 / INLINE_TEST_TIME_SCALE, logger: stderrLogger('error') });
    backend = await deployBackend(standIn, { issuer: 'iot', logLevel: 'SILENT' });
    workDir = await mkdtemp(path.join(tmpdir(), 'hosted-fleet-'));
    cores = await provisionFleet(standIn, { count: 2, workDir, thingGroupName: GROUP, algorithms: ALGORITHMS });
    hosted = await startHostedFleet(standIn, cores, {
      algorithms: ALGORITHMS,
      componentTimerScale: INLINE_TEST_TIME_SCALE,
      onStarted: (n) => started.push(n),
    });
  }, 300_000);

  afterAll(async () => {
    for (const core of hosted?.cores ?? []) await core.stop().catch(() => undefined);
    await hosted?.close();
    await standIn?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('rotates every core through a job, and reports their states, restarts and memory', async () => {
    const fleet = hosted?.cores ?? [];
    expect(started).toEqual([1, 2]);
    // Started cores first ask for a pending job, then rest.
    expect(await untilFleetIdle(fleet, { componentTimerScale: INLINE_TEST_TIME_SCALE })).toEqual([]);
    expect(await Promise.all(fleet.map((core) => core.rotatorState()))).toEqual(['Idle', 'Idle']);
    const restarted: string[] = [];
    for (const core of fleet) core.onRestart(() => restarted.push(core.core.thingName));

    const iot = new IoTClient(standInClientConfig(standIn));
    const jobId = `hosted-${Date.now()}`;
    const group = standIn.model.registry.things.describeThingGroup(GROUP);
    await iot.send(new CreateJobCommand({ jobId, jobTemplateArn: backend.jobTemplateArn, targets: [group.thingGroupArn] }));
    const progress = await watchJob(iot, jobId, { intervalMs: 200, timeoutMs: 180_000, expectedThings: 2 });
    iot.destroy();
    expect(progress.executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);

    expect(await untilFleetIdle(fleet, { componentTimerScale: INLINE_TEST_TIME_SCALE })).toEqual([]);
    // Each core restarted once to take up its new certificate.
    expect(restarted.sort()).toEqual(cores.map((c) => c.thingName).sort());
    expect(fleet.map((core) => core.restarts())).toEqual([1, 1]);
    expect(hosted?.peakRssBytes()).toBeGreaterThan(0);

    for (const core of fleet) await core.stop();
    expect(await Promise.all(fleet.map((core) => core.rotatorState()))).toEqual(['stopped', 'stopped']);
    for (const core of fleet) {
      const outcome = await verifyCore(standIn, core.core, core.probe);
      expect(outcome.bricked, outcome.reasons.join('; ')).toBe(false);
      expect(outcome.installedCertificateId).not.toBe(core.core.initialCertificateId);
    }
  }, 300_000);

  it('answers a configuration deployment as the core does', async () => {
    const [first] = hosted?.cores ?? [];
    const refused = await first?.deployConfiguration({ keyAlgorithm: 'DSA-1024' });
    expect(refused?.status).toBe('FAILED');
    expect(refused?.message).toMatch(/keyAlgorithm/);
  });
});
