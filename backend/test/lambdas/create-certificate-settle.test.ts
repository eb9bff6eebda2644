import {
  CreateCertificateFromCsrCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  DetachThingPrincipalCommand,
  ListThingPrincipalsV2Command,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, GetThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeJobExecutionCommand } from '@aws-sdk/client-iot-jobs-data-plane';
import { beforeEach, describe, expect, it } from 'vitest';
import { accepted, arrangeCreate, createHandler, rejected, request } from './support/create-fixture.js';
import {
  certArn,
  createMocks,
  JOB_DOCUMENT,
  JOB_ID,
  NEW_ID,
  NEW_PEM,
  OLD_ID,
  OLD_PEM,
  OTHER_ID,
  published,
  shadowDocument,
  THING,
  type FakeTime,
} from './support/harness.js';

// A rotation that ended without settling which certificate the core kept leaves both attached.
// The core's next create request shows which one it uses; the other goes before the new rotation.

const mocks = createMocks();
let time: FakeTime;
const EARLIER_JOB = 'earlier-rotation';

function thingHolds(...ids: string[]): void {
  mocks.iot
    .on(ListThingPrincipalsV2Command)
    .resolves({ thingPrincipalObjects: ids.map((id) => ({ principal: certArn(id), thingPrincipalType: 'EXCLUSIVE_THING' })) });
}

function recorded(reported: Record<string, unknown>): void {
  mocks.data.on(GetThingShadowCommand).resolves(shadowDocument(reported));
}

const retired = () => mocks.iot.commandCalls(DeleteCertificateCommand).map((c) => c.args[0].input.certificateId);

beforeEach(() => {
  time = arrangeCreate(mocks);
  // The CSR is checked against the certificate the request came with: the earlier rotation's new
  // one stands in as a certificate of the thing's subject with a key other than the CSR's.
  mocks.iot
    .on(DescribeCertificateCommand, { certificateId: NEW_ID })
    .resolves({ certificateDescription: { certificateId: NEW_ID, certificatePem: OLD_PEM, status: 'ACTIVE' } });
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
    mocks.iot
      .on(CreateCertificateFromCsrCommand)
      .resolves({ certificateId: OTHER_ID, certificateArn: certArn(OTHER_ID), certificatePem: NEW_PEM });

    await createHandler(time)(request({ principal: inUse }), time.context);

    expect(retired()).toEqual([other]);
    expect(mocks.iot.commandCalls(UpdateCertificateCommand).map((c) => c.args[0].input)).toEqual([
      { certificateId: other, newStatus: 'INACTIVE' },
    ]);
    expect(mocks.iot.commandCalls(DetachThingPrincipalCommand).map((c) => c.args[0].input)).toEqual([
      { thingName: THING, principal: certArn(other) },
    ]);
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(1);
    expect(published(mocks)).toEqual(accepted());
  });

  it('settles a committed record whose terminal event was never handled, once its job has ended', async () => {
    thingHolds(OLD_ID, NEW_ID);
    recorded({ progress: 'committed', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: EARLIER_JOB });
    mocks.jobs
      .on(DescribeJobExecutionCommand, { jobId: EARLIER_JOB })
      .resolves({ execution: { jobId: EARLIER_JOB, status: 'SUCCEEDED', jobDocument: JOB_DOCUMENT } });
    await createHandler(time)(request({ principal: NEW_ID }), time.context);
    expect(retired()).toEqual([OLD_ID]);
  });

  it.each([
    [
      'a repeated request of the rotation under way',
      { progress: 'created', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: JOB_ID },
      OLD_ID,
    ],
    ['a record that names no job', { progress: 'committed', oldCertificateId: OLD_ID, newCertificateId: NEW_ID }, NEW_ID],
    [
      'a record of other certificates',
      { progress: 'unsettled', oldCertificateId: OLD_ID, newCertificateId: OTHER_ID, jobId: EARLIER_JOB },
      OLD_ID,
    ],
  ])('leaves both alone and refuses on %s', async (_name, record, principal) => {
    thingHolds(OLD_ID, NEW_ID);
    recorded(record);
    await createHandler(time)(request({ principal }), time.context);
    expect(retired()).toEqual([]);
    expect(published(mocks)).toEqual(rejected('Pre-conditions not met'));
  });

  it('leaves both alone on a request from neither certificate, which the backend does not answer', async () => {
    thingHolds(OLD_ID, NEW_ID);
    recorded({ progress: 'unsettled', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: EARLIER_JOB });
    await createHandler(time)(request({ principal: OTHER_ID }), time.context);
    expect(retired()).toEqual([]);
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(0);
    expect(published(mocks)).toEqual([]);
  });

  it('leaves a committed record alone while its job is still in progress', async () => {
    thingHolds(OLD_ID, NEW_ID);
    recorded({ progress: 'committed', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: EARLIER_JOB });
    mocks.jobs
      .on(DescribeJobExecutionCommand, { jobId: EARLIER_JOB })
      .resolves({ execution: { jobId: EARLIER_JOB, status: 'IN_PROGRESS', jobDocument: JOB_DOCUMENT } });
    await createHandler(time)(request({ principal: NEW_ID }), time.context);
    expect(retired()).toEqual([]);
    expect(published(mocks)).toEqual(rejected('Pre-conditions not met'));
  });

  it('retires nothing and leaves the shadow to the claim when the thing holds one certificate', async () => {
    recorded({ progress: 'unsettled', oldCertificateId: OLD_ID, newCertificateId: NEW_ID, jobId: EARLIER_JOB });
    await createHandler(time)(request(), time.context);
    expect(retired()).toEqual([]);
    expect(mocks.data.commandCalls(DeleteThingShadowCommand)).toHaveLength(0);
    expect(published(mocks)).toEqual(accepted());
  });
});
