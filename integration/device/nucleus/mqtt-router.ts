import type { IotMessage, IotMqtt, Qos } from '../../../component/src/transport/iot-mqtt.js';
import { topicMatches } from '../../../shared/mqtt/topic-match.js';

interface Listener {
  filter: string;
  deliver: (message: IotMessage) => void;
}

/**
 * Fans the nucleus's one AWS IoT connection out to the components' IPC subscriptions: one
 * broker subscription per distinct filter, any number of IPC streams on it. A closed stream
 * removes its listener, so delivery to it stops at once.
 */
export class MqttRouter {
  private readonly listeners = new Set<Listener>();
  private readonly brokerFilters = new Map<string, Promise<void>>();

  constructor(private readonly mqtt: IotMqtt) {}

  /** Subscribes; resolves with a function that ends this listener's delivery. */
  async subscribe(filter: string, qos: Qos, deliver: (message: IotMessage) => void): Promise<() => void> {
    let subscribed = this.brokerFilters.get(filter);
    if (!subscribed) {
      subscribed = this.mqtt.subscribe(filter, qos, (message) => this.route(filter, message));
      this.brokerFilters.set(filter, subscribed);
      subscribed.catch(() => this.brokerFilters.delete(filter));
    }
    await subscribed;
    const listener: Listener = { filter, deliver };
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The filters of the open IPC subscriptions, one entry per stream. */
  filters(): string[] {
    return [...this.listeners].map((listener) => listener.filter);
  }

  publish(topic: string, payload: Buffer, qos: Qos): Promise<void> {
    return this.mqtt.publish(topic, payload.toString('utf8'), qos);
  }

  /** The broker delivers a message once per matching broker filter; each listener gets it from its own. */
  private route(brokerFilter: string, message: IotMessage): void {
    for (const listener of this.listeners) {
      if (listener.filter === brokerFilter && topicMatches(listener.filter, message.topic)) listener.deliver(message);
    }
  }
}
