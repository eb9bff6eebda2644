import mqtt, { type MqttClient } from 'mqtt';

export interface DeviceConnection {
  client: MqttClient;
  /** Messages received so far, in order, with parsed JSON payloads. */
  received: Array<{ topic: string; json: Record<string, unknown> }>;
  /** Resolves with the first received message (past or future) on exactly `topic`. */
  next(topic: string, after?: number): Promise<Record<string, unknown>>;
  publish(topic: string, payload: unknown): Promise<void>;
  closed: Promise<void>;
}

/** Connects as a device with the real mqtt client over mutual TLS; rejects when refused. */
export async function connectDevice(params: {
  host: string;
  port: number;
  caCertificatePem: string;
  certificatePem: string;
  privateKeyPem: string;
  clientId: string;
  subscribe?: string[];
}): Promise<DeviceConnection> {
  const client = await mqtt.connectAsync(
    `mqtts://${params.host}:${params.port}`,
    {
      ca: params.caCertificatePem,
      cert: params.certificatePem,
      key: params.privateKeyPem,
      clientId: params.clientId,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    },
    false,
  );
  const received: DeviceConnection['received'] = [];
  const waiters: Array<{ topic: string; after: number; resolve: (json: Record<string, unknown>) => void }> = [];
  client.on('message', (topic, payload) => {
    received.push({ topic, json: JSON.parse(payload.toString()) as Record<string, unknown> });
    const index = received.length - 1;
    for (const w of [...waiters]) {
      if (w.topic === topic && index >= w.after) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(received[index]?.json ?? {});
      }
    }
  });
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  if (params.subscribe?.length) await client.subscribeAsync(params.subscribe, { qos: 1 });
  return {
    client,
    received,
    closed,
    next(topic, after = 0) {
      const index = received.findIndex((m, i) => i >= after && m.topic === topic);
      if (index >= 0) return Promise.resolve(received[index]?.json ?? {});
      return new Promise((resolve) => waiters.push({ topic, after, resolve }));
    },
    async publish(topic, payload) {
      await client.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
    },
  };
}
