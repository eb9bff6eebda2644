import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateJobCommand, IoTClient } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchJob } from '../../shared/operator/job-watch.js';
import { captureEmf, emfValue, metricsOn } from '../../shared/test/support/emf.js';
import type { RunReport } from '../../backend/src/index.js';
import { OffsetClock, startAwsStandIn, stderrLogger, type AwsStandIn } from '../aws/index.js';
import { deployBackend, standInClientConfig, type BackendDeployment } from '../local/deploy-backend.js';
import { deployScheduler, type SchedulerDeployment } from '../local/deploy-scheduler.js';
import { provisionFleet, type ProvisionedCore } from '../local/fleet.js';
import { startInlineFleet, type RunningCore } from '../local/fleet-runner.js';

const DAY = 86_400_000;
const TIME_SCALE = 5;
const GROUP = 'ScheduledFleet';
const ALGORITHMS = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } as const;
/** Days of validity each running core's first certificate has left; with a 30-day window the first three are due. */
const DAYS_LEFT = [2, 10, 20, 45, 400];

const attachedIds = (standIn: AwsStandIn, thingName: string): string[] =>
  standIn.model.registry.listThingPrincipals(thingName).map((arn) => arn.slice(arn.lastIndexOf('/') + 1));
const startedThings = (report: RunReport | undefined): string[] => (report?.started ?? []).map((s) => s.thingName).sort();
const skippedReason = (report: RunReport | undefined, thingName: string): string | undefined =>
  report?.skipped.find((s) => s.thingName === thingName)?.reason;

describe('the rotation scheduler against the stand-in', () => {
  const clock = new OffsetClock();
  let standIn: AwsStandIn;
  let backend: BackendDeployment;
  let scheduler: SchedulerDeployment;
  let iot: IoTClient;
  let workDir: string;
  let cores: ProvisionedCore[];
  let fleet: RunningCore[] = [];
  let twoCertificates: string;
  let queued: string;
  const earlierRuns: RunReport[] = [];

  // Scheduled runs are hours apart and their job ids carry the second they ran in; here they would
  // follow each other within one, and a second run's CreateJob would meet the first run's job id.
  const runOnce = async (): Promise<RunReport[]> => {
    clock.advance(1_000);
    return (await captureEmf(() => scheduler.runOnce())).result;
  };
  const waitForJobs = async (...reports: Array<RunReport | undefined>): Promise<Record<string, string>> => {
    const statuses: Record<string, string> = {};
    for (const job of reports.flatMap((r) => r?.jobs ?? [])) {
      const progress = await watchJob(iot, job.jobId, { intervalMs: 200, timeoutMs: 90_000, expectedThings: job.thingNames.length });
      for (const e of progress.executions) statuses[e.thingName] = e.status;
    }
    await standIn.rules.whenIdle();
    return statuses;
  };

  beforeAll(async () => {
    standIn = await startAwsStandIn({ clock, minuteMs: 60_000 / TIME_SCALE, logger: stderrLogger('error') });
    backend = await deployBackend(standIn, { issuer: 'iot', logLevel: 'SILENT' });
    // The scheduler's metrics are printed from its creation on; every run below captures them.
    const metricsOff = metricsOn();
    scheduler = await deployScheduler(standIn, backend, {
      thingGroups: [GROUP],
      renewBeforeDays: 30,
      maxRotationsPerRun: 2,
      thingsPerJob: 1,
      callsPerSecond: 50,
      deviceDefender: true,
      logLevel: 'SILENT',
    });
    metricsOff();
    iot = new IoTClient(standInClientConfig(standIn));
    workDir = await mkdtemp(path.join(tmpdir(), 'scheduler-'));
    const validityOf = (i: number) => ({ notBefore: clock.now() - DAY, notAfter: clock.now() + (DAYS_LEFT[i] ?? 1) * DAY + DAY / 2 });
    cores = await provisionFleet(standIn, { count: DAYS_LEFT.length, workDir, thingGroupName: GROUP, algorithms: ALGORITHMS, validityOf });
    // Two things that never run a component: one holds two certificates, one has an operator's rotation job queued.
    const registry = standIn.model.registry;
    const dueSoon = { notBefore: clock.now() - DAY, notAfter: clock.now() + 5 * DAY };
    twoCertificates = (
      await registry.provisionDevice({
        thingName: 'TwoCertificates',
        thingGroupName: GROUP,
        keySpec: { kind: 'EC', curve: 'P-256' },
        validity: dueSoon,
      })
    ).thingName;
    const extra = await registry.createKeysAndCertificate(true, { kind: 'EC', curve: 'P-256' });
    registry.attachThingPrincipal(twoCertificates, extra.certificateArn);
    queued = (
      await registry.provisionDevice({
        thingName: 'OperatorQueued',
        thingGroupName: GROUP,
        keySpec: { kind: 'EC', curve: 'P-256' },
        validity: dueSoon,
      })
    ).thingName;
    const thingArn = registry.things.describeThing(queued).thingArn;
    await iot.send(new CreateJobCommand({ jobId: 'operator-rotation', jobTemplateArn: backend.jobTemplateArn, targets: [thingArn] }));
  });

  afterAll(async () => {
    for (const core of fleet) await core.stop().catch(() => undefined);
    iot?.destroy();
    await standIn?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('starts the most urgent due cores up to the cap, one job each, and says what it skipped and why', async () => {
    const { result, lines } = await captureEmf(() => scheduler.runOnce());
    const [run] = result;
    expect(emfValue(lines, 'RotationsScheduled')).toBe(2);
    expect(['OverCap', 'SeveralCertificates', 'RotationPending'].map((Reason) => emfValue(lines, 'SchedulerSkips', { Reason }))).toEqual([
      1, 1, 1,
    ]);
    if (run) earlierRuns.push(run);
    const [in2, in10, in20] = cores.map((c) => c.thingName);
    expect(startedThings(run)).toEqual([in2, in10].sort());
    expect(run?.jobs.map((j) => j.thingNames)).toEqual([[in2], [in10]]);
    expect(skippedReason(run, in20 ?? '')).toMatch(/^due \(expires in 20 day\(s\), less than 30\) but over this run's cap of 2/);
    expect(skippedReason(run, twoCertificates)).toMatch(/^2 certificates attached/);
    expect(skippedReason(run, queued)).toBe('rotation job operator-rotation is QUEUED');
    expect(run?.notDue).toBe(2);
    const notification = standIn.model.sns.messages(backend.snsTopicArn).at(-1)?.message ?? '';
    expect(notification).toContain(`started rotation of 2 core device(s) in 2 job(s); skipped 3`);
    expect(notification).toContain(`${twoCertificates}: 2 certificates attached`);
  });

  it('never targets a core its own earlier jobs still cover, and starts the next batch', async () => {
    // No core runs yet, so the first run's jobs are still in progress.
    const [run] = await runOnce();
    if (run) earlierRuns.push(run);
    const [in2, in10, in20] = cores.map((c) => c.thingName);
    expect(startedThings(run)).toEqual([in20]);
    expect(skippedReason(run, in2 ?? '')).toMatch(/^rotation job AWSLabsCertificateRotator-\d{8}T\d{6}-1 is still in progress$/);
    expect(skippedReason(run, in10 ?? '')).toMatch(/is still in progress$/);
  });

  it('rotates exactly the due cores, and a second run the same day starts nothing', async () => {
    fleet = await startInlineFleet(standIn, cores, { algorithms: ALGORITHMS, componentTimerScale: 1 });
    expect(earlierRuns.flatMap((r) => r.jobs)).toHaveLength(3);
    const statuses = await waitForJobs(...earlierRuns);
    expect(statuses).toEqual(Object.fromEntries(cores.slice(0, 3).map((c) => [c.thingName, 'SUCCEEDED'])));
    for (const [i, core] of cores.entries()) {
      const attached = attachedIds(standIn, core.thingName);
      expect(attached).toHaveLength(1);
      expect(attached[0] !== core.initialCertificateId, core.thingName).toBe(i < 3);
    }

    const [again] = await runOnce();
    expect(again?.started).toEqual([]);
    expect(again?.jobs).toEqual([]);
    expect(again?.notDue).toBe(5);
    expect(again?.skipped.map((s) => s.thingName).sort()).toEqual([queued, twoCertificates].sort());
  }, 180_000);

  it('rotates the core of a Device Defender finding, and only a core of a watched group', async () => {
    const in45 = cores[3];
    if (!in45 || scheduler.findingsTopicArn === undefined) throw new Error('fixture');
    const outsider = await standIn.model.registry.provisionDevice({ thingName: 'NotWatched', keySpec: { kind: 'EC', curve: 'P-256' } });
    const finding = (checkName: string, certificateId: string) =>
      JSON.stringify({
        targetType: 'AUDIT_FINDING',
        finding: {
          findingId: `f-${certificateId.slice(0, 8)}`,
          checkName,
          nonCompliantResource: { resourceType: 'DEVICE_CERTIFICATE', resourceIdentifier: { deviceCertificateId: certificateId } },
        },
      });
    const topicArn = scheduler.findingsTopicArn;
    const { result: runs, lines } = await captureEmf(async () => {
      standIn.model.sns.publish({ topicArn, message: finding('DEVICE_CERTIFICATE_AGE_CHECK', in45.initialCertificateId) });
      standIn.model.sns.publish({ topicArn, message: finding('DEVICE_CERTIFICATE_EXPIRING_CHECK', outsider.certificateId) });
      standIn.model.sns.publish({ topicArn, message: finding('REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK', in45.initialCertificateId) });
      return scheduler.findingRuns();
    });
    expect(emfValue(lines, 'RotationsScheduled')).toBe(1);
    const [ageRun, outsiderRun, ...others] = runs;
    expect(others).toEqual([]);
    expect(ageRun?.trigger).toBe('Device Defender DEVICE_CERTIFICATE_AGE_CHECK');
    expect(startedThings(ageRun)).toEqual([in45.thingName]);
    expect(ageRun?.jobs[0]?.jobId).toMatch(/^AWSLabsCertificateRotator-\d{8}T\d{6}-f[0-9a-f]{4}-1$/);
    expect(outsiderRun?.started).toEqual([]);
    expect(outsiderRun?.problems).toEqual([
      `NotWatched holds certificate ${outsider.certificateId} but is in no watched thing group; not rotated`,
    ]);
    expect(await waitForJobs(ageRun)).toEqual({ [in45.thingName]: 'SUCCEEDED' });
    expect(attachedIds(standIn, in45.thingName)).not.toContain(in45.initialCertificateId);
  }, 120_000);

  it('starts a core whose certificate comes due as time goes by', async () => {
    for (const core of fleet) await core.stop();
    fleet = [];
    clock.advance(380 * DAY);
    const [run] = await runOnce();
    expect(startedThings(run)).toEqual([cores[4]?.thingName]);
    expect(run?.started[0]?.reason).toBe('expires in 20 day(s), less than 30');
  });
});
