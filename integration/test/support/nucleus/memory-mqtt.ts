import type { IotMessage, IotMqtt, Qos } from '../../../../component/src/transport/iot-mqtt.js';
import { topicMatches } from '../../../../shared/mqtt/topic-match.js';

/** An in-memory IotMqtt for unit tests: records publishes and lets the test inject messages. */
export class MemoryMqtt implements IotMqtt {
  readonly published: Array<{ topic: string; payload: string; qos: Qos }> = [];
  readonly brokerSubscriptions: string[] = [];
  private readonly handlers: Array<{ filter: string; onMessage: (message: IotMessage) => void }> = [];

  async subscribe(topic: string, _qos: Qos, onMessage: (message: IotMessage) => void): Promise<void> {
    this.brokerSubscriptions.push(topic);
    this.handlers.push({ filter: topic, onMessage });
  }

  async publish(topic: string, payload: string, qos: Qos): Promise<void> {
    this.published.push({ topic, payload, qos });
  }

  /** A message from AWS IoT to the device. */
  deliver(topic: string, payload: string): void {
    for (const h of this.handlers) if (topicMatches(h.filter, topic)) h.onMessage({ topic, payload: Buffer.from(payload) });
  }

  async close(): Promise<void> {
    this.handlers.length = 0;
  }
}
