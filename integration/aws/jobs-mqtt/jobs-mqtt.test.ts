import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../shared/logging/logger.js';
import { LocalAuthorities } from '../model/ca/local-authorities.js';
import { ManualClock } from '../model/clock.js';
import { type AwsStandIn, startAwsStandIn } from '../stand-in.js';
import { connectDevice, type DeviceConnection } from '../../test/support/aws/mqtt-device.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const DOCUMENT = '{"operation":"ROTATE_CERTIFICATE"}';
const TERMINAL_SQL = "SELECT * FROM '$aws/events/jobExecution/#' WHERE isUndefined(statusDetails.CertificateRotator) = false";
const T = '$aws/things/core-1/jobs';
const SUBSCRIPTIONS = [
  `${T}/notify-next`,
  `${T}/+/get/accepted`,
  `${T}/+/get/rejected`,
  `${T}/+/update/accepted`,
  `${T}/+/update/rejected`,
];

let authorities: LocalAuthorities;
let standIn: AwsStandIn | undefined;
let device: DeviceConnection | undefined;
beforeAll(async () => {
  authorities = await LocalAuthorities.create(() => Date.now());
});
afterEach(async () => {
  await device?.client.endAsync(true).catch(() => undefined);
  await standIn?.close();
  standIn = undefined;
});

async function setUp() {
  const clock = new ManualClock(Date.now());
  const s = await startAwsStandIn({ authorities, logger: silent, http: false, clock });
  standIn = s;
  s.model.eventConfigurations.update({ JOB_EXECUTION: { Enabled: true } });
  const credentials = await s.model.registry.provisionDevice({
    thingName: 'core-1',
    thingGroupName: 'fleet',
    keySpec: { kind: 'EC', curve: 'P-256' },
    policyName: 'AllowAll',
  });
  const { jobTemplateArn } = s.model.jobTemplates.createJobTemplate({
    jobTemplateId: 'AWSLabsCertificateRotator',
    document: DOCUMENT,
    timeoutConfig: { inProgressTimeoutInMinutes: 5 },
  });
  device = await connectDevice({ ...s.mqtt, ...credentials, clientId: 'core-1', subscribe: SUBSCRIPTIONS });
  const createJob = (jobId: string) =>
    s.model.jobs.createJob({ jobId, jobTemplateArn, targets: [s.model.registry.things.describeThingGroup('fleet').thingGroupArn] });
  return { s, clock, d: device, createJob };
}

/** Publishes and waits for the reply on `<topic>/accepted` or `/rejected`, whichever comes. */
async function request(d: DeviceConnection, topic: string, payload: unknown) {
  const after = d.received.length;
  await d.publish(topic, payload);
  return Promise.race([
    d.next(`${topic}/accepted`, after).then((json) => ({ accepted: true, json })),
    d.next(`${topic}/rejected`, after).then((json) => ({ accepted: false, json })),
  ]);
}

describe('jobs MQTT API', () => {
  it('runs a rotation job from notify-next to SUCCEEDED with AWS IoT payloads', async () => {
    const { s, d, createJob } = await setUp();
    const empty = await request(d, `${T}/$next/get`, { clientToken: 'c0' });
    expect(empty).toEqual({ accepted: true, json: { timestamp: expect.any(Number), clientToken: 'c0' } });

    createJob('job-1');
    const notify = await d.next(`${T}/notify-next`);
    expect(notify).toEqual({
      timestamp: expect.any(Number),
      execution: {
        jobId: 'job-1',
        status: 'QUEUED',
        jobDocument: { operation: 'ROTATE_CERTIFICATE' },
        queuedAt: expect.any(Number),
        lastUpdatedAt: expect.any(Number),
        versionNumber: 1,
        executionNumber: 1,
      },
    });

    const next = await request(d, `${T}/$next/get`, {});
    expect(next.accepted).toBe(true);
    expect(next.json.execution).toMatchObject({
      jobId: 'job-1',
      thingName: 'core-1',
      status: 'QUEUED',
      statusDetails: {},
      versionNumber: 1,
    });
    expect(String((next.json.execution as { queuedAt: number }).queuedAt)).toMatch(/^\d{10}$/); // epoch seconds

    const started = await request(d, `${T}/job-1/update`, {
      status: 'IN_PROGRESS',
      statusDetails: { CertificateRotator: true },
      includeJobExecutionState: true,
      clientToken: 'c1',
    });
    expect(started).toEqual({
      accepted: true,
      json: {
        executionState: { status: 'IN_PROGRESS', statusDetails: { CertificateRotator: true }, versionNumber: 2 },
        timestamp: expect.any(Number),
        clientToken: 'c1',
      },
    });

    const stale = await request(d, `${T}/job-1/update`, { status: 'IN_PROGRESS', expectedVersion: 1, clientToken: 'c2' });
    expect(stale).toEqual({
      accepted: false,
      json: { code: 'VersionMismatch', message: expect.any(String), timestamp: expect.any(Number), clientToken: 'c2' },
    });

    const done = await request(d, `${T}/job-1/update`, { status: 'SUCCEEDED' });
    expect(done.accepted).toBe(true);
    expect(s.model.jobs.describeJobExecution('job-1', 'core-1')).toMatchObject({
      status: 'SUCCEEDED',
      versionNumber: 3,
      statusDetails: { CertificateRotator: true },
    });
    const none = await d.next(`${T}/notify-next`, d.received.findIndex((m) => m.json === notify) + 1);
    expect(none).toEqual({ timestamp: expect.any(Number) });

    const again = await request(d, `${T}/job-1/update`, { status: 'IN_PROGRESS' });
    expect(again).toMatchObject({ accepted: false, json: { code: 'InvalidStateTransition' } });
    const unknown = await request(d, `${T}/job-9/update`, { status: 'IN_PROGRESS' });
    expect(unknown).toMatchObject({ accepted: false, json: { code: 'ResourceNotFound' } });
    const invalid = await request(d, `${T}/job-1/update`, { status: 'DONE' });
    expect(invalid).toMatchObject({ accepted: false, json: { code: 'InvalidRequest' } });
  });

  it('times an execution out and runs the terminal rule on the job execution event', async () => {
    const { s, clock, d, createJob } = await setUp();
    const events: Array<Record<string, unknown>> = [];
    s.rules.addRule('AWSLabsCertificateRotatorJobExecutionTerminal', TERMINAL_SQL, async (event) => void events.push(event));
    createJob('job-1');
    await d.next(`${T}/notify-next`);
    const started = await request(d, `${T}/job-1/update`, { status: 'IN_PROGRESS', statusDetails: { CertificateRotator: true } });
    expect(started.accepted).toBe(true);
    clock.advance(5 * 60_000);
    expect(s.model.jobs.describeJobExecution('job-1', 'core-1').status).toBe('TIMED_OUT');
    await expect.poll(async () => (await s.rules.whenIdle(), events)).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: 'JOB_EXECUTION',
      operation: 'timed_out',
      jobId: 'job-1',
      thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/core-1',
      status: 'TIMED_OUT',
      statusDetails: { CertificateRotator: true },
    });
  });
});
