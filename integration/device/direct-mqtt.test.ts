import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsStandIn, stderrLogger, type AwsStandIn } from '../aws/index.js';
import { provisionFleet, type ProvisionedCore } from '../local/fleet.js';
import { DirectMqtt } from './direct-mqtt.js';
import { readFileCredentials } from './greengrass-root.js';

describe('the nucleus stand-in connection (DirectMqtt)', () => {
  let standIn: AwsStandIn;
  let core: ProvisionedCore;
  let workDir: string;

  beforeAll(async () => {
    standIn = await startAwsStandIn({ logger: stderrLogger('error'), http: false });
    workDir = await mkdtemp(path.join(os.tmpdir(), 'direct-mqtt-'));
    [core] = (await provisionFleet(standIn, {
      count: 1,
      workDir,
      thingGroupName: 'DirectMqttCores',
      algorithms: { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' },
    })) as [ProvisionedCore];
  });
  afterAll(async () => {
    await standIn.close();
    await rm(workDir, { recursive: true, force: true });
  });

  const connect = async (): Promise<DirectMqtt> =>
    DirectMqtt.connect({
      host: standIn.mqtt.host,
      port: standIn.mqtt.port,
      caPem: standIn.mqtt.caCertificatePem,
      ...(await readFileCredentials(core.paths)),
      clientId: core.thingName,
    });

  it('fails a publish whose connection drops before AWS IoT answers it, as Greengrass answers every publish', async () => {
    const connection = await connect();
    const topic = `awslabs/things/${core.thingName}/certificate/commit`;
    // AWS IoT drops the connection as the publish arrives, before its PUBACK goes out.
    standIn.faults.hookNext(topic, () => standIn.faults.disconnect(core.thingName), 'deliver', {
      direction: 'inbound',
      clientId: core.thingName,
    });
    await expect(connection.publish(topic, '{"jobId":"job-1"}', 1)).rejects.toThrow(/connection closed before the publish was answered/);
    expect(connection.connected).toBe(false);
    await connection.close();
  });

  it('still answers a publish on a connection that stays up', async () => {
    const connection = await connect();
    await expect(
      connection.publish(`awslabs/things/${core.thingName}/certificate/commit`, '{"jobId":"job-2"}', 1),
    ).resolves.toBeUndefined();
    await connection.close();
  });
});
