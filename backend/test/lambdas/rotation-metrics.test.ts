import { GetJobDocumentCommand, ListThingPrincipalsV2Command } from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, GetThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeJobExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCommitCertificateHandler } from '../../src/handlers/commit-certificate-lambda.js';
import { createJobExecutionTerminalHandler } from '../../src/handlers/job-execution-terminal-lambda.js';
import { backendResourceNames } from '../../../shared/contract/index.js';
import { captureEmf, emfValue, type EmfLine } from '../../../shared/test/support/emf.js';
import { arrangeCreate, createHandler, request as createRequest } from './support/create-fixture.js';
import {
  ACCOUNT,
  certArn,
  createMocks,
  fakeTime,
  handlerSettings,
  JOB_DOCUMENT,
  JOB_ID,
  NEW_ID,
  OLD_ID,
  published,
  REGION,
  resetMocks,
  SNS_TOPIC_ARN,
  THING,
} from './support/harness.js';

const mocks = createMocks();
const names = backendResourceNames().functions;
const COMMIT_TOPIC = `awslabs/things/${THING}/certificate/commit`;
const commitRequest = (overrides: Record<string, unknown> = {}) => ({
  jobId: JOB_ID,
  thingName: THING,
  topic: COMMIT_TOPIC,
  clientId: THING,
  principal: NEW_ID,
  ...overrides,
});

/** The handlers' wall clock in these tests. */
const NOW_MS = 1_800_000_000_000;

/** A rotation shadow as AWS IoT returns it: create wrote the record `createdSecondsAgo` before NOW_MS. */
function createdShadow(createdSecondsAgo: number): { payload: Uint8Array } {
  const timestamp = NOW_MS / 1000 - createdSecondsAgo;
  const reported = { progress: 'created', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: JOB_ID };
  const metadata = { reported: Object.fromEntries(Object.keys(reported).map((key) => [key, { timestamp }])) };
  return { payload: new TextEncoder().encode(JSON.stringify({ state: { reported }, metadata, version: 4, timestamp })) };
}

function arrangeCommit(): void {
  resetMocks(mocks);
  mocks.data.on(GetThingShadowCommand).resolves(createdShadow(42));
  mocks.data.on(UpdateThingShadowCommand).resolves({});
  mocks.iot.on(ListThingPrincipalsV2Command).resolves({
    thingPrincipalObjects: [OLD_ID, NEW_ID].map((id) => ({ principal: certArn(id), thingPrincipalType: 'EXCLUSIVE_THING' as const })),
  });
  mocks.jobs.on(DescribeJobExecutionCommand).resolves({ execution: { status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } });
}

const service = (lines: EmfLine[]) => new Set(lines.map((line) => line['service']));

describe('metrics of the create and commit functions', () => {
  beforeEach(arrangeCommit);

  it('counts a commit and times it from the certificate’s creation, under the function’s name', async () => {
    const time = fakeTime(10_000);
    const settings = { ...handlerSettings(time), timing: { ...time.timing, now: () => NOW_MS } };
    const { lines } = await captureEmf(() => createCommitCertificateHandler(settings)(commitRequest(), time.context));
    expect(published(mocks).map((p) => p.topic)).toEqual([`${COMMIT_TOPIC}/accepted`]);
    expect(emfValue(lines, 'RotationsCommitted')).toBe(1);
    expect(emfValue(lines, 'CreateToCommitSeconds')).toBe(42);
    expect(service(lines)).toEqual(new Set([names.commitCertificate]));
    expect(lines[0]?._aws.CloudWatchMetrics[0]?.Namespace).toBe('AWSLabsCertificateRotator');
  });

  it('counts a refused commit by the check that failed, and does not time it', async () => {
    mocks.jobs.on(DescribeJobExecutionCommand).resolves({ execution: { status: 'QUEUED', jobDocument: JOB_DOCUMENT } });
    const time = fakeTime(10_000);
    const { lines } = await captureEmf(() => createCommitCertificateHandler(handlerSettings(time))(commitRequest(), time.context));
    expect(published(mocks)).toEqual([{ topic: `${COMMIT_TOPIC}/rejected`, qos: 0, payload: { errorMsg: 'Pre-conditions not met' } }]);
    expect(emfValue(lines, 'CommitRejected', { Reason: 'NoRotationInProgress' })).toBe(1);
    expect(emfValue(lines, 'RotationsCommitted')).toBe(0);
    expect(emfValue(lines, 'CreateToCommitSeconds')).toBe(0);
  });

  it('counts a request from another connection as a security event by reason, and an invalid request as a rejection', async () => {
    const time = fakeTime(10_000);
    const { lines } = await captureEmf(async () => {
      // Powertools reads the metrics switch when the function is created.
      const handler = createCommitCertificateHandler(handlerSettings(time));
      await handler(commitRequest({ clientId: 'someone-else' }), time.context);
      await handler(commitRequest({ jobId: 'not a job id!' }), time.context);
    });
    expect(emfValue(lines, 'SecurityEvents', { Reason: 'ClientIdMismatch', service: names.commitCertificate })).toBe(1);
    // The dashboard finds reasons by the dimension set {Reason, service}.
    const securityLine = lines.find((line) => line['SecurityEvents'] !== undefined);
    expect(securityLine?._aws.CloudWatchMetrics[0]?.Dimensions.map((set) => [...set].sort())).toEqual([['Reason', 'service']]);
    expect(emfValue(lines, 'CommitRejected', { Reason: 'InvalidRequest' })).toBe(1);
  });

  it('counts a started rotation, and a create refused for want of an IN_PROGRESS execution', async () => {
    const time = arrangeCreate(mocks);
    const started = await captureEmf(() => createHandler(time)(createRequest(), time.context));
    expect(emfValue(started.lines, 'RotationsStarted')).toBe(1);
    expect(service(started.lines)).toEqual(new Set([names.createCertificate]));
    mocks.jobs
      .on(DescribeJobExecutionCommand)
      .resolves({ execution: { jobId: JOB_ID, thingName: THING, status: 'SUCCEEDED', jobDocument: JOB_DOCUMENT } });
    const refused = await captureEmf(() => createHandler(time)(createRequest(), time.context));
    expect(emfValue(refused.lines, 'CreateRejected', { Reason: 'NoRotationInProgress' })).toBe(1);
    expect(emfValue(refused.lines, 'RotationsStarted')).toBe(0);
  });
});

describe('metrics of the terminal function', () => {
  const event = (status: string, jobId = JOB_ID) => ({
    eventType: 'JOB_EXECUTION',
    eventId: 'e-1',
    timestamp: 1_700_000_000,
    operation: 'ended',
    jobId,
    thingArn: `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${THING}`,
    status,
    statusDetails: {},
  });

  beforeEach(() => {
    resetMocks(mocks);
    mocks.data.on(GetThingShadowCommand).resolves(createdShadow(10));
    mocks.data.on(DeleteThingShadowCommand).resolves({});
    mocks.iot.on(GetJobDocumentCommand).resolves({ document: JOB_DOCUMENT });
    mocks.iot.on(GetJobDocumentCommand, { jobId: 'other-job' }).resolves({ document: '{"operation":"SOMETHING_ELSE"}' });
  });

  it('counts rotations by how their job execution ended, and nothing for a job that is not a rotation', async () => {
    const time = fakeTime(30_000);
    const { lines } = await captureEmf(async () => {
      const handler = createJobExecutionTerminalHandler({ ...handlerSettings(time), snsTopicArn: SNS_TOPIC_ARN });
      for (const status of ['FAILED', 'TIMED_OUT', 'TIMED_OUT', 'SUCCEEDED']) await handler(event(status), time.context);
      await handler(event('FAILED', 'other-job'), time.context);
    });
    expect(emfValue(lines, 'RotationsFailed')).toBe(1);
    expect(emfValue(lines, 'RotationsTimedOut')).toBe(2);
    expect(emfValue(lines, 'RotationsSucceeded')).toBe(1);
    expect(service(lines)).toEqual(new Set([names.jobExecutionTerminal]));
  });
});
