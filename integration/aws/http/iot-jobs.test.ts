import {
  CancelJobCommand,
  CreateJobCommand,
  CreateJobTemplateCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  AddThingToThingGroupCommand,
  DescribeEventConfigurationsCommand,
  DescribeJobCommand,
  DescribeJobExecutionCommand,
  DescribeJobTemplateCommand,
  GetJobDocumentCommand,
  InvalidRequestException,
  IoTClient,
  ListJobExecutionsForJobCommand,
  ResourceNotFoundException,
  UpdateEventConfigurationsCommand,
  ConflictException as TemplateConflictException,
} from '@aws-sdk/client-iot';
import {
  DescribeJobExecutionCommand as DeviceDescribeJobExecutionCommand,
  GetPendingJobExecutionsCommand,
  InvalidRequestException as DeviceInvalidRequest,
  InvalidStateTransitionException,
  IoTJobsDataPlaneClient,
  ResourceNotFoundException as DeviceNotFound,
  UpdateJobExecutionCommand,
} from '@aws-sdk/client-iot-jobs-data-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from '../../test/support/aws/http.js';

const DOCUMENT = '{"operation":"ROTATE_CERTIFICATE"}';
const ARN = 'arn:aws:iot:us-east-1:123456789012';

describe('AWS IoT Jobs over HTTP (control plane and Jobs data plane)', () => {
  let fx: ApiFixture;
  let iot: IoTClient;
  let device: IoTJobsDataPlaneClient;
  let templateArn = '';

  beforeAll(async () => {
    fx = await startApiFixture();
    iot = new IoTClient({ ...fx.clientConfig, maxAttempts: 1 });
    device = new IoTJobsDataPlaneClient({ ...fx.clientConfig, maxAttempts: 1 });
    for (const thingName of ['core-a', 'core-b']) {
      await iot.send(new CreateThingCommand({ thingName }));
    }
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'cores' }));
    await iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'cores', thingName: 'core-a' }));
    await iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'cores', thingName: 'core-b' }));
  });
  afterAll(() => fx.close());

  it('creates and describes the rotation job template; a second create conflicts', async () => {
    const template = {
      jobTemplateId: 'AWSLabsCertificateRotator',
      description: 'Rotate certificates',
      document: DOCUMENT,
      jobExecutionsRolloutConfig: {
        maximumPerMinute: 100,
        exponentialRate: { baseRatePerMinute: 100, incrementFactor: 1.2, rateIncreaseCriteria: { numberOfSucceededThings: 100 } },
      },
      timeoutConfig: { inProgressTimeoutInMinutes: 5 },
    };
    const created = await iot.send(new CreateJobTemplateCommand(template));
    templateArn = created.jobTemplateArn ?? '';
    expect(templateArn).toBe(`${ARN}:jobtemplate/AWSLabsCertificateRotator`);
    const described = await iot.send(new DescribeJobTemplateCommand({ jobTemplateId: 'AWSLabsCertificateRotator' }));
    expect(described).toMatchObject({ document: DOCUMENT, timeoutConfig: { inProgressTimeoutInMinutes: 5 } });
    expect(described.jobExecutionsRolloutConfig?.exponentialRate?.incrementFactor).toBe(1.2);
    expect(described.createdAt).toBeInstanceOf(Date);
    await expect(iot.send(new CreateJobTemplateCommand(template))).rejects.toBeInstanceOf(TemplateConflictException);
  });

  it('creates a job from the template for a thing group and lists its executions', async () => {
    const created = await iot.send(
      new CreateJobCommand({
        jobId: 'rotation-1',
        jobTemplateArn: templateArn,
        targets: [`${ARN}:thinggroup/cores`],
        targetSelection: 'SNAPSHOT',
        jobExecutionsRolloutConfig: { maximumPerMinute: 10 },
        timeoutConfig: { inProgressTimeoutInMinutes: 5 },
      }),
    );
    expect(created).toMatchObject({ jobId: 'rotation-1', jobArn: `${ARN}:job/rotation-1` });
    expect((await iot.send(new GetJobDocumentCommand({ jobId: 'rotation-1' }))).document).toBe(DOCUMENT);
    const { job } = await iot.send(new DescribeJobCommand({ jobId: 'rotation-1' }));
    expect(job).toMatchObject({ status: 'IN_PROGRESS', jobTemplateArn: templateArn, targetSelection: 'SNAPSHOT' });
    expect(job?.jobProcessDetails?.numberOfQueuedThings).toBe(2);
    const listed = await iot.send(new ListJobExecutionsForJobCommand({ jobId: 'rotation-1', status: 'QUEUED' }));
    expect(listed.executionSummaries?.map((s) => s.thingArn).sort()).toEqual([`${ARN}:thing/core-a`, `${ARN}:thing/core-b`]);
    expect(listed.executionSummaries?.[0]?.jobExecutionSummary?.queuedAt).toBeInstanceOf(Date);
  });

  it('rejects a job with neither document nor template, naming the field', async () => {
    const error = await iot.send(new CreateJobCommand({ jobId: 'bad', targets: [`${ARN}:thing/core-a`] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestException);
    expect((error as Error).message).toContain('document');
  });

  it('lets the device read and move its execution through the Jobs data plane', async () => {
    const pending = await device.send(new GetPendingJobExecutionsCommand({ thingName: 'core-a' }));
    expect(pending.queuedJobs?.map((j) => j.jobId)).toEqual(['rotation-1']);
    expect(pending.inProgressJobs).toEqual([]);

    const next = await device.send(
      new DeviceDescribeJobExecutionCommand({ thingName: 'core-a', jobId: '$next', includeJobDocument: true }),
    );
    expect(next.execution).toMatchObject({ jobId: 'rotation-1', status: 'QUEUED', jobDocument: DOCUMENT, versionNumber: 1 });

    const updated = await device.send(
      new UpdateJobExecutionCommand({
        thingName: 'core-a',
        jobId: 'rotation-1',
        status: 'IN_PROGRESS',
        statusDetails: { CertificateRotator: 'true' },
        expectedVersion: 1,
        includeJobExecutionState: true,
        includeJobDocument: true,
      }),
    );
    expect(updated).toMatchObject({
      executionState: { status: 'IN_PROGRESS', statusDetails: { CertificateRotator: 'true' }, versionNumber: 2 },
      jobDocument: DOCUMENT,
    });

    const described = await device.send(
      new DeviceDescribeJobExecutionCommand({ thingName: 'core-a', jobId: 'rotation-1', includeJobDocument: true }),
    );
    expect(described.execution).toMatchObject({ status: 'IN_PROGRESS', thingName: 'core-a', jobDocument: DOCUMENT });
    expect(described.execution?.approximateSecondsBeforeTimedOut).toBeGreaterThan(0);
    const withoutDocument = await device.send(new DeviceDescribeJobExecutionCommand({ thingName: 'core-a', jobId: 'rotation-1' }));
    expect(withoutDocument.execution?.jobDocument).toBeUndefined();

    const control = await iot.send(new DescribeJobExecutionCommand({ jobId: 'rotation-1', thingName: 'core-a' }));
    expect(control.execution).toMatchObject({
      status: 'IN_PROGRESS',
      thingArn: `${ARN}:thing/core-a`,
      statusDetails: { detailsMap: { CertificateRotator: 'true' } },
    });
    expect(control.execution?.startedAt).toBeInstanceOf(Date);
  });

  it('maps refused device updates to the data plane exception classes', async () => {
    const bogus = await device
      .send(new UpdateJobExecutionCommand({ thingName: 'core-a', jobId: 'rotation-1', status: 'DONE' as 'SUCCEEDED' }))
      .catch((e: unknown) => e);
    expect(bogus).toBeInstanceOf(DeviceInvalidRequest);
    expect((bogus as Error).message).toContain('status');
    await device.send(new UpdateJobExecutionCommand({ thingName: 'core-a', jobId: 'rotation-1', status: 'SUCCEEDED' }));
    await expect(
      device.send(new UpdateJobExecutionCommand({ thingName: 'core-a', jobId: 'rotation-1', status: 'FAILED' })),
    ).rejects.toBeInstanceOf(InvalidStateTransitionException);
    await expect(device.send(new DeviceDescribeJobExecutionCommand({ thingName: 'core-a', jobId: 'nope' }))).rejects.toBeInstanceOf(
      DeviceNotFound,
    );
    await expect(device.send(new DeviceDescribeJobExecutionCommand({ thingName: 'core-a', jobId: '$next' }))).rejects.toBeInstanceOf(
      DeviceNotFound,
    );
  });

  it('cancels the job: queued executions become CANCELED', async () => {
    const canceled = await iot.send(new CancelJobCommand({ jobId: 'rotation-1', reasonCode: 'TEST', comment: 'done' }));
    expect(canceled.jobId).toBe('rotation-1');
    const { job } = await iot.send(new DescribeJobCommand({ jobId: 'rotation-1' }));
    expect(job).toMatchObject({ status: 'CANCELED', reasonCode: 'TEST', comment: 'done' });
    const execution = await iot.send(new DescribeJobExecutionCommand({ jobId: 'rotation-1', thingName: 'core-b' }));
    expect(execution.execution?.status).toBe('CANCELED');
    await expect(iot.send(new DescribeJobExecutionCommand({ jobId: 'rotation-1', thingName: 'core-x' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('enables JOB_EXECUTION events', async () => {
    const before = await iot.send(new DescribeEventConfigurationsCommand({}));
    expect(before.eventConfigurations?.JOB_EXECUTION).toEqual({ Enabled: false });
    await iot.send(new UpdateEventConfigurationsCommand({ eventConfigurations: { JOB_EXECUTION: { Enabled: true } } }));
    const after = await iot.send(new DescribeEventConfigurationsCommand({}));
    expect(after.eventConfigurations?.JOB_EXECUTION).toEqual({ Enabled: true });
    expect(fx.model.eventConfigurations.isEnabled('JOB_EXECUTION')).toBe(true);
  });
});
