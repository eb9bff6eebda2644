import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_IN_SETUP_TIMEOUT_MS } from '../standin-target.js';
import { HostileWorld } from './hostile-world.js';

/**
 * The terminal function's input comes from AWS IoT alone ($aws/events is closed to devices), so
 * its hostile cases are a device trying to publish an event, and events AWS IoT could send that
 * name something the rotation does not own. None may touch a certificate or an execution.
 */
const event = (over: Record<string, unknown>) => ({
  eventType: 'JOB_EXECUTION',
  eventId: 'e-1',
  timestamp: 1,
  operation: 'succeeded',
  jobId: 'rotation',
  thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/victim',
  status: 'SUCCEEDED',
  statusDetails: { CertificateRotator: true },
  ...over,
});

describe('hostile input to the job-execution-terminal function', () => {
  let world: HostileWorld;
  beforeAll(async () => {
    world = await HostileWorld.start('iot');
  }, STAND_IN_SETUP_TIMEOUT_MS);
  afterAll(() => world.close());

  it('a device publishing a job execution event is disconnected and nothing runs', async () => {
    const before = world.state();
    const invocations = world.standIn.rules.invocations().length;
    const connection = await world.connect(world.things.attacker, 'attacker');
    connection.client.publish('$aws/events/jobExecution/rotation/succeeded', JSON.stringify(event({})), { qos: 0 });
    await connection.closed;
    await world.settle(invocations, false);
    expect(world.standIn.rules.invocations()).toHaveLength(invocations);
    expect(world.state()).toEqual(before);
  });

  it.each([
    ['a job that is not a rotation job', event({ jobId: 'not-rotation' }), /INVALID job/],
    ['a thing ARN that names no thing', event({ thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/a/b' }), undefined],
    ['a job id that does not exist', event({ jobId: 'no-such-job' }), /INVALID job/],
    ['SUCCEEDED with no rotation recorded', event({}), /SUCCEEDED but rotation progress was contradicting/],
    ['FAILED for a thing whose rotation never started', event({ status: 'FAILED', operation: 'failed' }), /FAILED/],
  ])('%s changes nothing', async (_name, body, notification) => {
    const before = world.state();
    const sent = world.standIn.model.sns.messages().length;
    const invocations = world.standIn.rules.invocations().length;
    await world.standIn.broker.publish(
      `$aws/events/jobExecution/${String(body.jobId)}/${String(body.operation)}`,
      Buffer.from(JSON.stringify(body)),
      1,
    );
    await world.settle(invocations, true);
    expect(world.state()).toEqual(before);
    const messages = world.standIn.model.sns
      .messages()
      .slice(sent)
      .map((m) => m.message);
    if (notification) expect(messages).toEqual([expect.stringMatching(notification)]);
    else expect(messages).toEqual([]);
  });

  it('an event the rule filters out (not a rotator execution) invokes nothing', async () => {
    const invocations = world.standIn.rules.invocations().length;
    await world.standIn.broker.publish(
      '$aws/events/jobExecution/rotation/succeeded',
      Buffer.from(JSON.stringify(event({ statusDetails: {} }))),
      1,
    );
    await world.settle(invocations, false);
    expect(world.standIn.rules.invocations()).toHaveLength(invocations);
  });
});
