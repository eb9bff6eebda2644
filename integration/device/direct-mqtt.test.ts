import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsStandIn, stderrLogger, type AwsStandIn } from '../aws/index.js';
import { DirectMqtt } from './direct-mqtt.js';

const THING = 'direct-mqtt-core';
const TOPIC = `awslabs/things/${THING}/certificate/commit`;

describe('the nucleus stand-in connection (DirectMqtt)', () => {
  let standIn: AwsStandIn;
  let credentials: { certificatePem: string; privateKeyPem: string };

  beforeAll(async () => {
    standIn = await startAwsStandIn({ logger: stderrLogger('error'), http: false });
    credentials = await standIn.model.registry.provisionDevice({
      thingName: THING,
      keySpec: { kind: 'EC', curve: 'P-256' },
      policyName: 'GreengrassCorePolicy',
    });
  });
  afterAll(async () => {
    await standIn.close();
  });

  const connect = (): Promise<DirectMqtt> =>
    DirectMqtt.connect({
      host: standIn.mqtt.host,
      port: standIn.mqtt.port,
      caPem: standIn.mqtt.caCertificatePem,
      certificatePem: credentials.certificatePem,
      privateKeyPem: credentials.privateKeyPem,
      clientId: THING,
    });

  it('fails a publish whose connection drops before AWS IoT answers it, as Greengrass answers every publish', async () => {
    const connection = await connect();
    // AWS IoT drops the connection as the publish arrives, before its PUBACK goes out.
    standIn.faults.hookNext(TOPIC, () => standIn.faults.disconnect(THING), 'deliver', { direction: 'inbound', clientId: THING });
    await expect(connection.publish(TOPIC, '{"jobId":"job-1"}', 1)).rejects.toThrow(/connection closed before the publish was answered/);
    expect(connection.connected).toBe(false);
    await connection.close();
  });

  it('still answers a publish on a connection that stays up', async () => {
    const connection = await connect();
    await expect(connection.publish(TOPIC, '{"jobId":"job-2"}', 1)).resolves.toBeUndefined();
    await connection.close();
  });
});
