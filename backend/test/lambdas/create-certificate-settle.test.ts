import {
  CreateCertificateFromCsrCommand,
  DeleteCertificateCommand,
  DetachThingPrincipalCommand,
  ListThingPrincipalsV2Command,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, GetThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeJobExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { beforeEach, describe, expect, it } from 'vitest';
import { accepted, arrangeCreate, createHandler, rejected, request } from './support/create-fixture.js';
import { awsError, certArn, createMocks, JOB_DOCUMENT, JOB_ID, NEW_ID, OLD_ID, OTHER_ID, published, THING, type FakeTime } from './support/harness.js';

// A rotation that ended without settling which certificate the core kept leaves both attached.
// The core's next create request shows which one it uses; the other goes before the new rotation.

const mocks = createMocks();
let time: FakeTime;
const EARLIER_JOB = 'earlier-rotation';

function thingHolds(...ids: string[]): void {
  mocks.iot.on(ListThingPrincipalsV2Command).resolves({ thingPrincipalObjects: ids.map((id) => ({ principal: certArn(id), thingPrincipalType: 'EXCLUSIVE_THING' })) });
}

function recorded(reported: Record<string, unknown>): void {
  mocks.data.on(GetThingShadowCommand).resolves({ payload: new TextEncoder().encode(JSON.stringify({ state: { reported } })) });
}

const retired = () => mocks.iot.commandCalls(DeleteCertificateCommand).map((c) => c.args[0].input.certificateId);

beforeEach(() => {
  time = arrangeCreate(mocks);
  mocks.data.on(GetThingShadowCommand).rejects(awsError('ResourceNotFoundException', 404));
});

describe('create-certificate settles an earlier rotation left with both certificates', () => {
  it.each([
    ['the old one', OLD_ID, NEW_ID],
    ['the new one', NEW_ID, OLD_ID],
  ])('retires the other certificate when the core connects with %s, then rotates', async (_name, inUse, other) => {
    thingHolds(OLD_ID, NEW_ID);
    recorded({ progress: 'unsettled', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: EARLIER_JOB });
    // After the retirement the thing holds the one certificate the core uses.
    mocks.iot.on(DetachThingPrincipalCommand).callsFake(() => thingHolds(inUse));
    mocks.iot.on(CreateCertificateFromCsrCommand).resolves({ certificateId: OTHER_ID, certificateArn: certArn(OTHER_ID), certificatePem: 'PEM' });

    await createHandler(time)(request({ principal: inUse }), time.context);

    expect(retired()).toEqual([other]);
    expect(mocks.iot.commandCalls(UpdateCertificateCommand).map((c) => c.args[0].input)).toEqual([{ certificateId: other, newStatus: 'INACTIVE' }]);
    expect(mocks.iot.commandCalls(DetachThingPrincipalCommand).map((c) => c.args[0].input)).toEqual([{ thingName: THING, principal: certArn(other) }]);
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(1);
    expect(published(mocks)).toEqual(accepted().map((a) => ({ ...a, payload: { certificatePem: 'PEM' } })));
  });

  it('settles a committed record whose terminal event was never handled, once its job has ended', async () => {
    thingHolds(OLD_ID, NEW_ID);
    recorded({ progress: 'committed', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: EARLIER_JOB });
    mocks.jobs.on(DescribeJobExecutionCommand, { jobId: EARLIER_JOB }).resolves({ execution: { jobId: EARLIER_JOB, status: 'SUCCEEDED', jobDocument: JOB_DOCUMENT } });
    await createHandler(time)(request({ principal: NEW_ID }), time.context);
    expect(retired()).toEqual([OLD_ID]);
  });

  it.each([
    ['a repeated request of the rotation under way', { progress: 'created', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: JOB_ID }, OLD_ID],
    ['a record that names no job', { progress: 'committed', oldCertificateId: OLD_ID, newCertificateId: NEW_ID }, NEW_ID],
    ['a record of other certificates', { progress: 'unsettled', oldCertificateId: OLD_ID, newCertificateId: OTHER_ID, jobId: EARLIER_JOB }, OLD_ID],
    ['a request from neither certificate', { progress: 'unsettled', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: EARLIER_JOB }, OTHER_ID],
  ])('leaves both alone and refuses on %s', async (_name, record, principal) => {
    thingHolds(OLD_ID, NEW_ID);
    recorded(record);
    await createHandler(time)(request({ principal }), time.context);
    expect(retired()).toEqual([]);
    expect(published(mocks)).toEqual(rejected('Pre-conditions not met'));
  });

  it('leaves a committed record alone while its job is still in progress', async () => {
    thingHolds(OLD_ID, NEW_ID);
    recorded({ progress: 'committed', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: EARLIER_JOB });
    mocks.jobs.on(DescribeJobExecutionCommand, { jobId: EARLIER_JOB }).resolves({ execution: { jobId: EARLIER_JOB, status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } });
    await createHandler(time)(request({ principal: NEW_ID }), time.context);
    expect(retired()).toEqual([]);
    expect(published(mocks)).toEqual(rejected('Pre-conditions not met'));
  });

  it('does not read the shadow when the thing holds one certificate', async () => {
    await createHandler(time)(request(), time.context);
    expect(mocks.data.commandCalls(GetThingShadowCommand)).toHaveLength(0);
    expect(published(mocks)).toEqual(accepted());
  });
});
