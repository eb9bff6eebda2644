import { Listeners } from './listeners.js';

/** A message AWS IoT itself publishes (jobs replies and notifications, events, data-plane Publish). */
export interface ServiceMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain?: boolean;
}

/**
 * The model's outlet to MQTT. The model publishes here; the broker (when one runs) delivers to
 * subscribed clients and the rules engine. Without a broker the messages only reach listeners.
 */
export class MessageBus {
  private readonly listeners = new Listeners<ServiceMessage>();

  /** The IoT data plane `Publish` operation; also used by the model for its own topics. */
  publish(topic: string, payload: string | Buffer | object, qos: 0 | 1 = 0): void {
    const body = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
    if (topic.length === 0 || topic.includes('+') || topic.includes('#')) {
      throw new Error(`Invalid topic for publish: "${topic}"`);
    }
    this.listeners.emit({ topic, payload: body, qos });
  }

  onMessage(listener: (message: ServiceMessage) => void): () => void {
    return this.listeners.add(listener);
  }
}
