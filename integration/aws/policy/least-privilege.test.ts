import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../shared/logging/logger.js';
import { type AwsStandIn, startAwsStandIn } from '../stand-in.js';
import { connectDevice, type DeviceConnection } from '../../test/support/aws/mqtt-device.js';
import { leastPrivilegeCorePolicy } from './core-policies.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let standIn: AwsStandIn | undefined;
const open: DeviceConnection[] = [];

afterEach(async () => {
  for (const c of open.splice(0)) await c.client.endAsync(true).catch(() => undefined);
  await standIn?.close();
  standIn = undefined;
});

async function fleetOfTwo() {
  const s = await startAwsStandIn({ logger: silent, http: false });
  standIn = s;
  const policyDocument = leastPrivilegeCorePolicy(s.model);
  const provision = (thingName: string) =>
    s.model.registry.provisionDevice({
      thingName,
      keySpec: { kind: 'EC', curve: 'P-256' },
      policyName: 'GreengrassCoreLeastPrivilege',
      policyDocument,
    });
  const [a, b] = [await provision('core-a'), await provision('core-b')];
  const connect = async (credentials: typeof a, clientId: string) => {
    const connection = await connectDevice({ ...s.mqtt, ...credentials, clientId });
    open.push(connection);
    return connection;
  };
  return { s, a, b, connect };
}

describe('the least-privilege core policy at the broker', () => {
  it('lets a core connect as its thing (and as the nucleus names further connections), never as another', async () => {
    const { s, a, connect } = await fleetOfTwo();
    await connect(a, 'core-a');
    await connect(a, 'core-a#2');
    await expect(connect(a, 'core-b')).rejects.toThrow(/Not authorized/i);
    await expect(connect(a, 'core-a-extra')).rejects.toThrow(/Not authorized/i);
    expect(
      s.broker
        .connections()
        .map((c) => c.clientId)
        .sort(),
    ).toEqual(['core-a', 'core-a#2']);
  });

  it("lets a core publish on its own rotator topics, and closes it when it publishes on another thing's", async () => {
    const { s, a, connect } = await fleetOfTwo();
    const seen: string[] = [];
    s.rules.addRule('Seen', "SELECT topic() AS t FROM 'awslabs/things/+/certificate/#'", async (e) => void seen.push(String(e['t'])));
    const own = await connect(a, 'core-a');
    await own.publish('awslabs/things/core-a/certificate/create', { jobId: 'j' });
    own.client.publish('awslabs/things/core-b/certificate/create', '{"jobId":"j"}', { qos: 0 });
    await own.closed;
    await s.rules.whenIdle();
    expect(seen).toEqual(['awslabs/things/core-a/certificate/create']);
  });

  it("refuses a core's subscriptions to another thing's topics and to wildcards across things", async () => {
    const { s, a, connect } = await fleetOfTwo();
    const connection = await connect(a, 'core-a');
    const filters = [
      'awslabs/things/core-b/certificate/create/accepted',
      'awslabs/things/+/certificate/+',
      '$aws/things/core-b/jobs/notify-next',
      'awslabs/things/core-a/certificate/create/accepted',
    ];
    const outcomes: string[] = [];
    // One at a time: the client rejects a whole SUBACK that refuses any filter (return code 0x80).
    for (const filter of filters)
      outcomes.push(
        await connection.client.subscribeAsync(filter, { qos: 1 }).then(
          () => 'granted',
          () => 'refused',
        ),
      );
    expect(outcomes).toEqual(['refused', 'refused', 'refused', 'granted']);
    await s.broker.publish('awslabs/things/core-b/certificate/create/accepted', Buffer.from('{"for":"b"}'), 0);
    await s.broker.publish('awslabs/things/core-a/certificate/create/accepted', Buffer.from('{"for":"a"}'), 0);
    await connection.next('awslabs/things/core-a/certificate/create/accepted');
    expect(connection.received.map((m) => m.json['for'])).toEqual(['a']);
  });
});
