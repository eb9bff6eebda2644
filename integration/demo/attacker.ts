import mqtt, { type MqttClient } from 'mqtt';
import type { AwsStandIn } from '../aws/index.js';
import { CORE_POLICY_NAME } from '../local/fleet.js';

/** A thing of the fleet's account turned attacker (`--attacker`), with the fleet's own policy. */
export interface DemoAttacker {
  /** Stops attacking; answers how many of its attempts went nowhere. */
  stop(): Promise<{ published: number; dropped: number }>;
}

const ATTACKER = 'DemoAttacker';

/**
 * Every 250 ms until stopped: floods its own create topic (300 messages), sends two creates at
 * once for a job it does not have, and sends requests on a victim's topics (junk, and a replay of
 * what it snooped when its policy let it subscribe). Dropped counts the publishes the broker
 * refused or throttled and the requests the backend dropped as not the sender's own.
 */
export async function startDemoAttacker(
  standIn: AwsStandIn,
  victims: readonly string[],
  securityEvents: () => number,
): Promise<DemoAttacker> {
  const device = await standIn.model.registry.provisionDevice({
    thingName: ATTACKER,
    keySpec: { kind: 'EC', curve: 'P-256' },
    policyName: CORE_POLICY_NAME,
  });
  const throttledBefore = standIn.broker.throttledPublishes();
  const eventsBefore = securityEvents();
  const snooped: Array<{ topic: string; payload: Buffer }> = [];
  let published = 0;
  let running = true;
  let client: MqttClient | undefined;

  const connect = async (): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(`mqtts://${standIn.mqtt.host}:${standIn.mqtt.port}`, {
      ca: standIn.mqtt.caCertificatePem,
      cert: device.certificatePem,
      key: device.privateKeyPem,
      clientId: ATTACKER,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    c.on('error', () => undefined);
    c.on('message', (topic, payload) => void (snooped.length < 100 && snooped.push({ topic, payload })));
    // Refused under the least-privilege policy (SUBACK failure); granted under a permissive one.
    await c.subscribeAsync('awslabs/things/+/certificate/+', { qos: 0 }).catch(() => undefined);
    return c;
  };
  const send = (topic: string, payload: string | Buffer): void => {
    if (client?.connected) {
      client.publish(topic, payload, { qos: 0 });
      published += 1;
    }
  };

  const loop = (async () => {
    for (let round = 0; running && round < 2_000; round += 1) {
      if (!client?.connected) client = await connect().catch(() => undefined);
      const own = `awslabs/things/${ATTACKER}/certificate/create`;
      for (let i = 0; i < 300; i += 1) send(own, 'junk');
      send(own, JSON.stringify({ jobId: 'no-such-job', csr: '-----BEGIN CERTIFICATE REQUEST-----' }));
      send(own, JSON.stringify({ jobId: 'no-such-job', csr: '-----BEGIN CERTIFICATE REQUEST-----' }));
      const replay = snooped.shift();
      if (replay) send(replay.topic, replay.payload);
      const victim = victims[round % Math.max(victims.length, 1)];
      if (victim !== undefined) send(`awslabs/things/${victim}/certificate/${round % 2 === 0 ? 'create' : 'commit'}`, 'junk');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();

  return {
    async stop() {
      running = false;
      await loop;
      await client?.endAsync(true).catch(() => undefined);
      const dropped =
        standIn.broker.refusedPublishes(ATTACKER) + standIn.broker.throttledPublishes() - throttledBefore + securityEvents() - eventsBefore;
      return { published, dropped };
    },
  };
}
