import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../shared/logging/logger.js';
import { LocalAuthorities } from '../model/ca/local-authorities.js';
import { type AwsStandIn, startAwsStandIn } from '../stand-in.js';
import { connectDevice, type DeviceConnection } from '../../test/support/aws/mqtt-device.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let authorities: LocalAuthorities;
let standIn: AwsStandIn | undefined;
const open: DeviceConnection[] = [];

beforeAll(async () => {
  authorities = await LocalAuthorities.create(() => Date.now());
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.client.endAsync(true).catch(() => undefined);
  await standIn?.close();
  standIn = undefined;
});

async function start(): Promise<AwsStandIn> {
  standIn = await startAwsStandIn({ authorities, logger: silent, http: false });
  return standIn;
}

async function provision(s: AwsStandIn, thingName: string) {
  return s.model.registry.provisionDevice({ thingName, keySpec: { kind: 'EC', curve: 'P-256' }, policyName: 'AllowAll' });
}

async function connect(
  s: AwsStandIn,
  credentials: { certificatePem: string; privateKeyPem: string },
  clientId: string,
  subscribe?: string[],
) {
  const connection = await connectDevice({ ...s.mqtt, ...credentials, clientId, ...(subscribe ? { subscribe } : {}) });
  open.push(connection);
  return connection;
}

describe('mutual-TLS connections', () => {
  it('accepts an ACTIVE registered certificate; the principal is its id', async () => {
    const s = await start();
    const device = await provision(s, 'core-1');
    await connect(s, device, 'core-1');
    expect(s.broker.connections()).toEqual([expect.objectContaining({ clientId: 'core-1', principal: device.certificateId })]);
  });

  it('refuses INACTIVE, REVOKED and unregistered certificates', async () => {
    const s = await start();
    const inactive = await provision(s, 'core-1');
    s.model.registry.updateCertificate(inactive.certificateId, 'INACTIVE');
    const revoked = await provision(s, 'core-2');
    s.model.registry.updateCertificate(revoked.certificateId, 'REVOKED');
    // Signed by the device CA but never registered.
    const unknown = await authorities.issueDeviceCredentials('CN=ghost', { kind: 'EC', curve: 'P-256' });
    for (const [credentials, clientId] of [
      [inactive, 'core-1'],
      [revoked, 'core-2'],
      [unknown, 'ghost'],
    ] as const) {
      await expect(connect(s, credentials, clientId)).rejects.toThrow(/Not authorized/i);
    }
    expect(s.broker.connections()).toEqual([]);
    expect(s.broker.connectionLog().map((e) => [e.kind, e.reason])).toEqual([
      ['refused', 'certificate is INACTIVE'],
      ['refused', 'certificate is REVOKED'],
      ['refused', 'certificate not registered'],
    ]);
  });

  it('closes open connections when their certificate is deactivated', async () => {
    const s = await start();
    const device = await provision(s, 'core-1');
    const other = await provision(s, 'core-2');
    const connection = await connect(s, device, 'core-1');
    await connect(s, other, 'core-2');
    s.model.registry.updateCertificate(device.certificateId, 'INACTIVE');
    await connection.closed;
    await expect.poll(() => s.broker.connections().map((c) => c.clientId)).toEqual(['core-2']);
  });

  it('closes a device that publishes on $aws/events or a reply topic, even when its policy allows everything', async () => {
    const s = await start();
    const device = await provision(s, 'core-1');
    const first = await connect(s, device, 'core-1');
    first.client.publish('$aws/events/jobExecution/x/succeeded', '{}', { qos: 0 });
    await first.closed;
    const second = await connect(s, device, 'core-1');
    second.client.publish('$aws/things/core-1/jobs/notify-next', '{}', { qos: 0 });
    await second.closed;
    expect(s.broker.connections()).toEqual([]);
  });

  it('refuses a connection whose certificate has no policy', async () => {
    const s = await start();
    const device = await s.model.registry.provisionDevice({ thingName: 'core-1', keySpec: { kind: 'EC', curve: 'P-256' } });
    await expect(connect(s, device, 'core-1')).rejects.toThrow(/Not authorized/i);
    expect(s.broker.connectionLog().map((e) => e.reason)).toEqual(['iot:Connect on client/core-1 not allowed by policy']);
  });
});

describe('delivery', () => {
  it('delivers a message once to overlapping subscriptions, and a QoS 1 message overtaken by a QoS 0 one', async () => {
    const s = await start();
    const device = await provision(s, 'core-1');
    const connection = await connect(s, device, 'core-1', ['demo/#', 'demo/+/x']);
    await s.broker.publish('demo/a/x', Buffer.from('{"n":1}'), 0);
    const qos1 = s.broker.publish('demo/a/y', Buffer.from('{"n":2}'), 1);
    const qos0 = s.broker.publish('demo/a/z', Buffer.from('{"n":3}'), 0);
    await Promise.all([qos1, qos0]);
    await connection.next('demo/a/y');
    await connection.next('demo/a/z');
    await s.broker.publish('demo/end', Buffer.from('{}'), 1);
    await connection.next('demo/end');
    expect(connection.received.map((m) => m.topic).sort()).toEqual(['demo/a/x', 'demo/a/y', 'demo/a/z', 'demo/end']);
  });
});

describe('faults', () => {
  it('drops the next matching inbound message only', async () => {
    const s = await start();
    const device = await provision(s, 'core-1');
    const seen: string[] = [];
    s.rules.addRule('Echo', "SELECT * FROM 'awslabs/things/+/certificate/create'", async (e) => void seen.push(String(e.n)));
    const connection = await connect(s, device, 'core-1');
    s.faults.dropNext('awslabs/things/+/certificate/create', { direction: 'inbound' });
    await connection.publish('awslabs/things/core-1/certificate/create', { n: 1 });
    await connection.publish('awslabs/things/core-1/certificate/create', { n: 2 });
    await expect.poll(async () => (await s.rules.whenIdle(), seen)).toEqual(['2']);
  });

  it('drops an outbound reply to a device', async () => {
    const s = await start();
    const device = await provision(s, 'core-1');
    const connection = await connect(s, device, 'core-1', ['$aws/things/core-1/jobs/+/get/accepted']);
    s.faults.dropNext('$aws/things/core-1/jobs/+/get/accepted', { direction: 'outbound', clientId: 'core-1' });
    await connection.publish('$aws/things/core-1/jobs/$next/get', { clientToken: 'one' });
    await connection.publish('$aws/things/core-1/jobs/$next/get', { clientToken: 'two' });
    const reply = await connection.next('$aws/things/core-1/jobs/$next/get/accepted');
    expect(reply.clientToken).toBe('two');
    expect(s.broker.faults.pending()).toBe(0);
  });

  it('passes a matching inbound message on twice, after letting the first match through', async () => {
    const s = await start();
    const device = await provision(s, 'core-1');
    const seen: string[] = [];
    s.rules.addRule('Echo', "SELECT * FROM 'awslabs/things/+/certificate/create'", async (e) => void seen.push(String(e.n)));
    const connection = await connect(s, device, 'core-1');
    s.faults.duplicateNext('awslabs/things/+/certificate/create', {
      direction: 'inbound',
      match: (p) => p.toString().includes('"n":'),
      skip: 1,
    });
    for (const n of [1, 2, 3]) await connection.publish('awslabs/things/core-1/certificate/create', { n });
    await expect.poll(async () => (await s.rules.whenIdle(), [...seen].sort())).toEqual(['1', '2', '2', '3']);
  });

  it('delivers an outbound message twice, and hooks one on its way', async () => {
    const s = await start();
    const device = await provision(s, 'core-1');
    const connection = await connect(s, device, 'core-1', ['demo/#']);
    s.faults.duplicateNext('demo/twice', { direction: 'outbound' });
    const hooked: string[] = [];
    s.faults.hookNext('demo/hooked', (m) => hooked.push(m.topic), 'drop', { direction: 'outbound' });
    await s.broker.publish('demo/twice', Buffer.from('{}'));
    await s.broker.publish('demo/hooked', Buffer.from('{}'));
    await s.broker.publish('demo/end', Buffer.from('{}'));
    await connection.next('demo/end');
    await expect.poll(() => connection.received.filter((m) => m.topic === 'demo/twice').length).toBe(2);
    expect(connection.received.map((m) => m.topic)).not.toContain('demo/hooked');
    expect(hooked).toEqual(['demo/hooked']);
  });

  it("drops one of AWS IoT's own messages before the rules engine sees it", async () => {
    const s = await start();
    const seen: string[] = [];
    s.rules.addRule('Events', "SELECT * FROM '$aws/events/jobExecution/#'", async (e) => void seen.push(String(e.n)));
    s.faults.dropNext('$aws/events/jobExecution/#', { direction: 'service' });
    await s.broker.publish('$aws/events/jobExecution/j/SUCCEEDED', Buffer.from('{"n":1}'));
    await s.broker.publish('$aws/events/jobExecution/j/SUCCEEDED', Buffer.from('{"n":2}'));
    await expect.poll(async () => (await s.rules.whenIdle(), seen)).toEqual(['2']);
  });
});
