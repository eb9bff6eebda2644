import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRotationSchedulerHandler, type SchedulerSettings } from '../../backend/src/index.js';
import { DEFAULT_NAME_PREFIX, JOB_DOCUMENT } from '../../shared/contract/index.js';
import { startAwsStandIn, stderrLogger, type AwsStandIn, type HttpApi } from '../aws/index.js';
import { deployBackend, type BackendDeployment } from '../local/deploy-backend.js';
import { schedulerClients } from '../local/deploy-scheduler.js';
import { Logger } from '@aws-lambda-powertools/logger';
import { captureEmf, emfValue } from '../../shared/test/support/emf.js';

const DAY = 86_400_000;
const SCHEDULED_EVENT = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };

/** How the scheduler copes with what it cannot control: a missing group, AWS throttling, a run too long for its budget. */
describe('the rotation scheduler at its limits', () => {
  let standIn: AwsStandIn;
  let backend: BackendDeployment;
  let settings: SchedulerSettings;

  beforeAll(async () => {
    standIn = await startAwsStandIn({ logger: stderrLogger('error') });
    backend = await deployBackend(standIn, { issuer: 'iot', logLevel: 'SILENT' });
    const validity = { notBefore: Date.now() - DAY, notAfter: Date.now() + 3 * DAY };
    for (const thingName of ['Due-1', 'Due-2', 'Due-3']) {
      await standIn.model.registry.provisionDevice({
        thingName,
        thingGroupName: 'Fleet',
        keySpec: { kind: 'EC', curve: 'P-256' },
        validity,
      });
    }
    settings = {
      ...schedulerClients(standIn),
      thingGroups: ['Fleet', 'Gone'],
      policy: { renewBeforeDays: 30 },
      maxRotationsPerRun: 10,
      thingsPerJob: 2,
      jobTemplateArn: backend.jobTemplateArn,
      jobDocument: JOB_DOCUMENT,
      jobIdPrefix: 'Limits',
      snsTopicArn: backend.snsTopicArn,
      callsPerSecond: 50,
      logger: new Logger({ serviceName: `${DEFAULT_NAME_PREFIX}RotationScheduler`, logLevel: 'SILENT' }),
    };
  });

  afterAll(async () => {
    await standIn?.close();
  });

  it('reports a group that does not exist, rides out throttling, and batches the rest', async () => {
    const api = standIn.http?.api as HttpApi;
    api.throttleNext('iot:ListThingPrincipalsV2', 3);
    api.throttleNext('iot:CreateJob', 2);
    const { result, lines } = await captureEmf(() => createRotationSchedulerHandler(settings)(SCHEDULED_EVENT));
    const [run] = result;
    expect(run?.problems).toEqual(['thing group Gone not found']);
    expect(emfValue(lines, 'RotationsScheduled', { service: 'AWSLabsCertificateRotatorRotationScheduler' })).toBe(3);
    expect(lines[0]?._aws.CloudWatchMetrics[0]?.Namespace).toBe('AWSLabsCertificateRotator');
    expect(run?.jobs.map((j) => j.thingNames.length)).toEqual([2, 1]);
    expect(run?.started.map((s) => s.thingName).sort()).toEqual(['Due-1', 'Due-2', 'Due-3']);
    expect(api.pendingFaults()).toEqual({});
    expect(standIn.model.sns.messages(backend.snsTopicArn).at(-1)?.message).toContain('  - thing group Gone not found');
  });

  it('stops looking when only its reserve of time is left, and says how many it did not reach', async () => {
    const { result, lines } = await captureEmf(() => {
      const handler = createRotationSchedulerHandler({
        ...settings,
        jobIdPrefix: 'Budget',
        thingGroups: ['Fleet'],
        timing: { reserveMs: 10 * 60_000 },
      });
      return handler(SCHEDULED_EVENT, { getRemainingTimeInMillis: () => 5 * 60_000 });
    });
    const [run] = result;
    expect(run?.examined).toBe(0);
    expect(emfValue(lines, 'RotationsScheduled')).toBe(0);
    expect(run?.problems).toEqual(['the time budget ran out with 3 thing(s) not examined; they are looked at on a later run']);
  });

  it('drops an event that is neither a schedule nor an SNS delivery', async () => {
    expect(await createRotationSchedulerHandler(settings)({ hello: 'world' })).toEqual([]);
  });
});
