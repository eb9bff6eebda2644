import { beforeAll, describe, expect, it } from 'vitest';
import { AwsModel } from '../aws-model.js';
import { LocalAuthorities } from '../ca/local-authorities.js';
import { ManualClock } from '../clock.js';
import type { ServiceMessage } from '../message-bus.js';

const DOCUMENT = '{"operation":"ROTATE_CERTIFICATE"}';
let authorities: LocalAuthorities;
beforeAll(async () => {
  authorities = await LocalAuthorities.create(() => Date.now());
});

async function setUp(things: number, rollout?: { maximumPerMinute?: number; exponentialRate?: unknown }) {
  const clock = new ManualClock();
  const model = await AwsModel.create({ authorities, clock, minuteMs: 60_000 });
  const messages: Array<{ topic: string; json: Record<string, unknown> }> = [];
  model.messages.onMessage((m: ServiceMessage) => messages.push({ topic: m.topic, json: JSON.parse(m.payload.toString()) }));
  model.eventConfigurations.update({ JOB_EXECUTION: { Enabled: true } });
  model.registry.things.createThingGroup('fleet');
  for (let i = 1; i <= things; i += 1) {
    model.registry.things.createThing(`core-${i}`);
    model.registry.things.addThingToThingGroup('fleet', `core-${i}`);
  }
  const { jobTemplateArn } = model.jobTemplates.createJobTemplate({
    jobTemplateId: 'AWSLabsCertificateRotator',
    document: DOCUMENT,
    timeoutConfig: { inProgressTimeoutInMinutes: 5 },
    ...(rollout ? { jobExecutionsRolloutConfig: rollout as never } : {}),
  });
  const groupArn = model.registry.things.describeThingGroup('fleet').thingGroupArn;
  return { clock, model, messages, jobTemplateArn, groupArn };
}

const topicsOf = (messages: Array<{ topic: string }>) => messages.map((m) => m.topic);

describe('jobs from a template', () => {
  it('queues an execution per thing, notifies next, and keeps statusDetails when an update has none', async () => {
    const { model, messages, jobTemplateArn, groupArn } = await setUp(1);
    model.jobs.createJob({ jobId: 'job-1', jobTemplateArn, targets: [groupArn] });
    expect(model.jobs.getJobDocument('job-1').document).toBe(DOCUMENT);
    expect(messages[0]?.topic).toBe('$aws/things/core-1/jobs/notify-next');
    expect(messages[0]?.json.execution).toMatchObject({
      jobId: 'job-1',
      status: 'QUEUED',
      jobDocument: { operation: 'ROTATE_CERTIFICATE' },
      versionNumber: 1,
      executionNumber: 1,
    });

    const started = model.deviceJobs.updateJobExecution('core-1', 'job-1', {
      status: 'IN_PROGRESS',
      statusDetails: { CertificateRotator: true },
    });
    expect(started.execution).toMatchObject({ status: 'IN_PROGRESS', versionNumber: 2 });
    expect(started.execution.startedAt).toBeDefined();
    const done = model.deviceJobs.updateJobExecution('core-1', 'job-1', { status: 'SUCCEEDED' });
    expect(done.execution).toMatchObject({ status: 'SUCCEEDED', versionNumber: 3, statusDetails: { CertificateRotator: true } });

    // notify (the ListNotification) follows every status change; notify-next only a new first one.
    expect(topicsOf(messages)).toEqual([
      '$aws/things/core-1/jobs/notify-next',
      '$aws/things/core-1/jobs/notify',
      '$aws/things/core-1/jobs/notify',
      '$aws/events/jobExecution/job-1/succeeded',
      '$aws/things/core-1/jobs/notify-next',
      '$aws/things/core-1/jobs/notify',
    ]);
    expect(messages[2]?.json.jobs).toEqual({ IN_PROGRESS: [expect.objectContaining({ jobId: 'job-1', versionNumber: 2 })] });
    expect(messages[5]?.json.jobs).toEqual({});
    expect(messages[3]?.json).toMatchObject({
      eventType: 'JOB_EXECUTION',
      operation: 'succeeded',
      jobId: 'job-1',
      thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/core-1',
      status: 'SUCCEEDED',
      statusDetails: { CertificateRotator: true },
    });
    expect(messages[4]?.json).not.toHaveProperty('execution');
    expect(model.jobs.describeJob('job-1').job.status).toBe('COMPLETED');
  });

  it('refuses transitions out of a terminal state and stale expected versions', async () => {
    const { model, jobTemplateArn, groupArn } = await setUp(1);
    model.jobs.createJob({ jobId: 'job-1', jobTemplateArn, targets: [groupArn] });
    expect(() => model.deviceJobs.updateJobExecution('core-1', 'job-1', { status: 'IN_PROGRESS', expectedVersion: 5 })).toThrow(
      expect.objectContaining({ mqttCode: 'VersionMismatch' }),
    );
    model.deviceJobs.updateJobExecution('core-1', 'job-1', { status: 'FAILED', statusDetails: { DeviceFailureReason: 'x' } });
    expect(() => model.deviceJobs.updateJobExecution('core-1', 'job-1', { status: 'IN_PROGRESS' })).toThrow(
      expect.objectContaining({ code: 'InvalidStateTransitionException', mqttCode: 'InvalidStateTransition' }),
    );
    expect(() => model.deviceJobs.updateJobExecution('core-1', 'nope', { status: 'IN_PROGRESS' })).toThrow(
      expect.objectContaining({ mqttCode: 'ResourceNotFound' }),
    );
    expect(() => model.deviceJobs.updateJobExecution('core-1', 'job-1', { status: 'TIMED_OUT' })).toThrow(
      expect.objectContaining({ mqttCode: 'InvalidRequest' }),
    );
    expect(model.jobs.describeJobExecution('job-1', 'core-1')).toMatchObject({ status: 'FAILED', versionNumber: 2 });
  });

  it('times out an execution the template timeout after it went IN_PROGRESS, with an event', async () => {
    const { clock, model, messages, jobTemplateArn, groupArn } = await setUp(1);
    model.jobs.createJob({ jobId: 'job-1', jobTemplateArn, targets: [groupArn] });
    clock.advance(10 * 60_000); // queued time does not count
    expect(model.jobs.describeJobExecution('job-1', 'core-1').status).toBe('QUEUED');
    model.deviceJobs.updateJobExecution('core-1', 'job-1', { status: 'IN_PROGRESS', statusDetails: { CertificateRotator: true } });
    clock.advance(5 * 60_000 - 1);
    expect(model.jobs.describeJobExecution('job-1', 'core-1').status).toBe('IN_PROGRESS');
    clock.advance(1);
    expect(model.jobs.describeJobExecution('job-1', 'core-1')).toMatchObject({ status: 'TIMED_OUT', versionNumber: 3 });
    const event = messages.find((m) => m.topic === '$aws/events/jobExecution/job-1/timed_out');
    expect(event?.json).toMatchObject({ status: 'TIMED_OUT', operation: 'timed_out', statusDetails: { CertificateRotator: true } });
  });

  it('publishes no JOB_EXECUTION events while they are disabled (the account default)', async () => {
    const { model, messages, jobTemplateArn, groupArn } = await setUp(1);
    model.eventConfigurations.update({ JOB_EXECUTION: { Enabled: false } });
    model.jobs.createJob({ jobId: 'job-1', jobTemplateArn, targets: [groupArn] });
    model.deviceJobs.updateJobExecution('core-1', 'job-1', { status: 'SUCCEEDED' });
    expect(topicsOf(messages).filter((t) => t.startsWith('$aws/events/'))).toEqual([]);
  });

  it('lets a job override the template timeout and refuses a duplicate job id', async () => {
    const { clock, model, jobTemplateArn, groupArn } = await setUp(1);
    model.jobs.createJob({ jobId: 'job-1', jobTemplateArn, targets: [groupArn], timeoutConfig: { inProgressTimeoutInMinutes: 1 } });
    expect(() => model.jobs.createJob({ jobId: 'job-1', jobTemplateArn, targets: [groupArn] })).toThrow(
      expect.objectContaining({ code: 'ResourceAlreadyExistsException' }),
    );
    model.deviceJobs.updateJobExecution('core-1', 'job-1', { status: 'IN_PROGRESS' });
    clock.advance(60_000);
    expect(model.jobs.describeJobExecution('job-1', 'core-1').status).toBe('TIMED_OUT');
  });

  it('orders $next: in-progress first, then the oldest queued', async () => {
    const { clock, model, messages, jobTemplateArn, groupArn } = await setUp(1);
    model.jobs.createJob({ jobId: 'a', jobTemplateArn, targets: [groupArn] });
    clock.advance(1000);
    model.jobs.createJob({ jobId: 'b', jobTemplateArn, targets: [groupArn] });
    // b is queued behind a: notify-next is not repeated.
    expect(topicsOf(messages).filter((t) => t.endsWith('notify-next'))).toHaveLength(1);
    model.deviceJobs.updateJobExecution('core-1', 'b', { status: 'IN_PROGRESS' });
    expect(model.deviceJobs.describeJobExecution('core-1', '$next')?.execution.jobId).toBe('b');
    model.deviceJobs.updateJobExecution('core-1', 'b', { status: 'SUCCEEDED' });
    expect(model.deviceJobs.describeJobExecution('core-1', '$next')?.execution.jobId).toBe('a');
  });

  it('cancels queued executions with the job', async () => {
    const { model, messages, jobTemplateArn, groupArn } = await setUp(2);
    model.jobs.createJob({ jobId: 'job-1', jobTemplateArn, targets: [groupArn] });
    model.deviceJobs.updateJobExecution('core-1', 'job-1', { status: 'IN_PROGRESS' });
    model.jobs.cancelJob('job-1');
    expect(model.jobs.describeJobExecution('job-1', 'core-1').status).toBe('IN_PROGRESS');
    expect(model.jobs.describeJobExecution('job-1', 'core-2').status).toBe('CANCELED');
    expect(topicsOf(messages)).toContain('$aws/events/jobExecution/job-1/canceled');
    expect(model.jobs.describeJob('job-1').job.status).toBe('CANCELED');
  });
});

describe('rollout', () => {
  it('releases at most maximumPerMinute executions per minute; undispatched ones are invisible', async () => {
    const { clock, model, jobTemplateArn, groupArn } = await setUp(7, { maximumPerMinute: 3 });
    model.jobs.createJob({ jobId: 'job-1', jobTemplateArn, targets: [groupArn] });
    expect(model.jobs.listJobExecutionsForJob('job-1').map((e) => e.thingName)).toEqual(['core-1', 'core-2', 'core-3']);
    expect(model.deviceJobs.describeJobExecution('core-4', '$next')).toBeUndefined();
    clock.advance(59_999);
    expect(model.jobs.listJobExecutionsForJob('job-1')).toHaveLength(3);
    clock.advance(1);
    expect(model.jobs.listJobExecutionsForJob('job-1')).toHaveLength(6);
    clock.advance(60_000);
    expect(model.jobs.listJobExecutionsForJob('job-1')).toHaveLength(7);
    expect(model.deviceJobs.describeJobExecution('core-7', '$next')?.execution.status).toBe('QUEUED');
  });

  it('grows an exponential rate by the factor per step of succeeded things, capped by the maximum', async () => {
    const { clock, model, jobTemplateArn, groupArn } = await setUp(30, {
      maximumPerMinute: 8,
      exponentialRate: { baseRatePerMinute: 2, incrementFactor: 2, rateIncreaseCriteria: { numberOfSucceededThings: 2 } },
    });
    model.jobs.createJob({ jobId: 'job-1', jobTemplateArn, targets: [groupArn] });
    const count = () => model.jobs.listJobExecutionsForJob('job-1').length;
    expect(count()).toBe(2);
    for (const e of model.jobs.listJobExecutionsForJob('job-1'))
      model.deviceJobs.updateJobExecution(e.thingName, 'job-1', { status: 'SUCCEEDED' });
    clock.advance(60_000);
    expect(count()).toBe(2 + 4);
    for (const e of model.jobs.listJobExecutionsForJob('job-1').filter((x) => x.status === 'QUEUED')) {
      model.deviceJobs.updateJobExecution(e.thingName, 'job-1', { status: 'SUCCEEDED' });
    }
    clock.advance(60_000);
    // 6 succeeded: three steps of 2, so 2 * 2^3 = 16, capped at 8.
    expect(count()).toBe(6 + 8);
  });

  it("keeps a namespace's jobs out of the plain $next and topics, and tells them on the namespace's own", async () => {
    const { model, messages, jobTemplateArn, groupArn } = await setUp(1);
    model.jobs.createJob({ jobId: 'deploy', document: '{"deploymentId":"d"}', targets: [groupArn], namespaceId: 'aws-gg-deployment' });
    expect(topicsOf(messages)).toEqual([
      '$aws/things/core-1/jobs/notify-next-namespace-aws-gg-deployment',
      '$aws/things/core-1/jobs/notify-namespace-aws-gg-deployment',
    ]);
    expect(model.deviceJobs.describeJobExecution('core-1', '$next')).toBeUndefined();
    expect(model.deviceJobs.describeJobExecution('core-1', '$next', undefined, 'aws-gg-deployment')?.execution.jobId).toBe('deploy');

    model.jobs.createJob({ jobId: 'rotate', jobTemplateArn, targets: [groupArn] });
    expect(model.deviceJobs.describeJobExecution('core-1', '$next')?.execution.jobId).toBe('rotate');
    expect(model.deviceJobs.getPendingJobExecutions('core-1').queuedJobs.map((e) => e.jobId)).toEqual(['rotate']);
    expect(model.deviceJobs.getPendingJobExecutions('core-1', 'aws-gg-deployment').queuedJobs.map((e) => e.jobId)).toEqual(['deploy']);
  });

  it('lets a CONTINUOUS job reach things that join its group later, and keeps it open', async () => {
    const { model, groupArn } = await setUp(1);
    model.jobs.createJob({ jobId: 'deploy', document: '{}', targets: [groupArn], targetSelection: 'CONTINUOUS' });
    model.deviceJobs.updateJobExecution('core-1', 'deploy', { status: 'SUCCEEDED' });
    expect(model.jobs.describeJob('deploy').job.status).toBe('IN_PROGRESS');
    model.registry.things.createThing('core-9');
    model.registry.things.addThingToThingGroup('fleet', 'core-9');
    model.registry.things.addThingToThingGroup('fleet', 'core-9');
    expect(model.jobs.listJobExecutionsForJob('deploy').map((e) => [e.thingName, e.status])).toEqual([
      ['core-1', 'SUCCEEDED'],
      ['core-9', 'QUEUED'],
    ]);
  });
});
