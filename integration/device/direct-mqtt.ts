import mqtt, { type MqttClient } from 'mqtt';
import type { IotMessage, IotMqtt, Qos } from '../../component/src/transport/iot-mqtt.js';
import { topicMatches } from '../../shared/mqtt/topic-match.js';

export interface DirectMqttOptions {
  host: string;
  port: number;
  /** CA that signed the broker's server certificate. */
  caPem: string;
  certificatePem: string;
  privateKeyPem: string;
  clientId: string;
  /** Default 30 s: on a busy machine a shorter limit only restarts TLS handshakes that were nearly done. */
  connectTimeoutMs?: number;
}

interface Subscription {
  filter: string;
  onMessage: (message: IotMessage) => void;
}

/**
 * IotMqtt over a direct mutual-TLS MQTT connection: what the Greengrass nucleus does for the
 * component through IPC, done in-process. QoS 0 publishes are dropped while offline, as
 * Greengrass does with `keepQos0WhenOffline` off.
 */
export class DirectMqtt implements IotMqtt {
  private readonly subscriptions: Subscription[] = [];
  /** Publishes not yet answered, failed when the connection closes. */
  private readonly unanswered = new Set<(error: Error) => void>();

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      for (const s of this.subscriptions) {
        if (topicMatches(s.filter, topic)) s.onMessage({ topic, payload: Buffer.from(payload) });
      }
    });
    // mqtt.js never reconnects this client (reconnectPeriod 0), and so never answers a publish the
    // connection closed under: a QoS 1 publish still waiting for its PUBACK, or one waiting for the
    // socket to drain. Greengrass answers every PublishToIoTCore, with an error when it could not
    // publish, so these fail here.
    client.on('close', () => {
      for (const fail of [...this.unanswered]) fail(new Error('the connection closed before the publish was answered'));
    });
  }

  static connect(options: DirectMqttOptions): Promise<DirectMqtt> {
    const client = mqtt.connect({
      protocol: 'mqtts',
      host: options.host,
      port: options.port,
      ca: options.caPem,
      cert: options.certificatePem,
      key: options.privateKeyPem,
      clientId: options.clientId,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: options.connectTimeoutMs ?? 30_000,
      queueQoSZero: false,
      rejectUnauthorized: true,
    });
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        client.removeListener('connect', onConnect);
        client.end(true);
        reject(new Error(`MQTT connection of ${options.clientId} failed: ${error.message}`));
      };
      const onClose = (): void => onError(new Error('connection closed before CONNACK'));
      const onConnect = (): void => {
        client.removeListener('error', onError);
        client.removeListener('close', onClose);
        resolve(new DirectMqtt(client));
      };
      client.once('connect', onConnect);
      client.once('error', onError);
      client.once('close', onClose);
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Called once when the connection drops for any reason (broker closed it, network, close()). */
  onDisconnect(listener: () => void): void {
    this.client.once('close', listener);
  }

  async subscribe(topic: string, qos: Qos, onMessage: (message: IotMessage) => void): Promise<void> {
    const granted = await this.client.subscribeAsync(topic, { qos });
    const refused = granted.find((g) => g.qos === 128);
    if (refused) throw new Error(`subscription to ${topic} refused by the broker`);
    this.subscriptions.push({ filter: topic, onMessage });
  }

  async publish(topic: string, payload: string, qos: Qos): Promise<void> {
    if (!this.client.connected) {
      if (qos === 0) return;
      throw new Error(`cannot publish to ${topic}: not connected`);
    }
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error): void => {
        this.unanswered.delete(fail);
        reject(error);
      };
      this.unanswered.add(fail);
      this.client.publishAsync(topic, payload, { qos }).then(() => {
        this.unanswered.delete(fail);
        resolve();
      }, fail);
    });
  }

  async close(): Promise<void> {
    this.subscriptions.length = 0;
    await this.client.endAsync(true);
  }
}
