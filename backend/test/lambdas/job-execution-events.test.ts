import { UpdateEventConfigurationsCommand } from '@aws-sdk/client-iot';
import { beforeEach, describe, expect, it } from 'vitest';
import { createJobExecutionEventsHandler, JOB_EXECUTION_EVENTS_RESOURCE_ID } from '../../src/handlers/job-execution-events.js';
import { createMocks, REGION, silentLogger } from './support/harness.js';

const mocks = createMocks();
const handler = () => createJobExecutionEventsHandler({ clientConfig: { region: REGION }, logger: silentLogger() });
const base = { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider', ResourceType: 'Custom::JobExecutionEvents' };

beforeEach(() => {
  mocks.iot.reset();
  mocks.iot.on(UpdateEventConfigurationsCommand).resolves({});
});

const updates = () => mocks.iot.commandCalls(UpdateEventConfigurationsCommand).map((call) => call.args[0].input);
const enabled = { eventConfigurations: { JOB_EXECUTION: { Enabled: true } } };

describe('job-execution-events custom resource', () => {
  it('enables JOB_EXECUTION events on Create', async () => {
    await expect(handler()({ ...base, RequestType: 'Create' })).resolves.toEqual({ PhysicalResourceId: JOB_EXECUTION_EVENTS_RESOURCE_ID });
    expect(updates()).toEqual([enabled]);
  });

  it('enables them again on Update, keeping the physical id', async () => {
    await expect(handler()({ ...base, RequestType: 'Update', PhysicalResourceId: 'kept-id' })).resolves.toEqual({
      PhysicalResourceId: 'kept-id',
    });
    expect(updates()).toEqual([enabled]);
  });

  it('leaves events on at Delete', async () => {
    await expect(handler()({ ...base, RequestType: 'Delete', PhysicalResourceId: 'kept-id' })).resolves.toEqual({
      PhysicalResourceId: 'kept-id',
    });
    expect(updates()).toEqual([]);
  });

  it('fails a malformed request, naming the field', async () => {
    await expect(handler()({ ...base, RequestType: 'Upsert' })).rejects.toThrow(/RequestType/);
    expect(updates()).toEqual([]);
  });

  it('fails the deployment when AWS IoT refuses', async () => {
    mocks.iot.on(UpdateEventConfigurationsCommand).rejects(new Error('AccessDenied'));
    await expect(handler()({ ...base, RequestType: 'Create' })).rejects.toThrow('AccessDenied');
  });
});
