import { topicMatches } from '../../../shared/mqtt/topic-match.js';
import type { IotMessage, IotMqtt, Qos } from '../../src/transport/iot-mqtt.js';

export interface Published {
  client: string;
  topic: string;
  payload: string;
  qos: Qos;
}

interface Subscription {
  client: string;
  filter: string;
  qos: Qos;
  onMessage: (message: IotMessage) => void;
}

/** What the broker does with a subscribe request: accept, reject with an error, or never answer. */
export type SubscribeOutcome = 'accept' | 'hang' | Error;

/** What the client's publish call does: return once taken, or never return (its connection dropped under it). */
export type PublishOutcome = 'accept' | 'hang';

/** An in-memory stand-in for AWS IoT Core messaging shared by any number of clients. */
export class FakeBroker {
  readonly published: Published[] = [];
  readonly subscriptions: Subscription[] = [];
  /** Decides each subscribe request; accepts all by default. */
  onSubscribe: (client: string, filter: string) => SubscribeOutcome = () => 'accept';
  /** Decides each publish call; every one returns by default. A hung publish is still recorded as published. */
  onPublish: (client: string, topic: string) => PublishOutcome = () => 'accept';

  client(name: string): IotMqtt {
    return {
      subscribe: (filter, qos, onMessage) => {
        const outcome = this.onSubscribe(name, filter);
        if (outcome === 'hang') return new Promise<void>(() => undefined);
        if (outcome instanceof Error) return Promise.reject(outcome);
        this.subscriptions.push({ client: name, filter, qos, onMessage });
        return Promise.resolve();
      },
      publish: (topic, payload, qos) => {
        this.published.push({ client: name, topic, payload, qos });
        return this.onPublish(name, topic) === 'hang' ? new Promise<void>(() => undefined) : Promise.resolve();
      },
      close: () => {
        for (let i = this.subscriptions.length - 1; i >= 0; i--) {
          if (this.subscriptions[i]?.client === name) this.subscriptions.splice(i, 1);
        }
        return Promise.resolve();
      },
    };
  }

  /** Delivers a message to every matching subscription, as AWS IoT would; returns how many got it. */
  deliver(topic: string, payload: string | object): number {
    const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
    const targets = this.subscriptions.filter((s) => topicMatches(s.filter, topic));
    for (const s of targets) s.onMessage({ topic, payload: body });
    return targets.length;
  }

  /** Messages published by one client, in order. */
  from(client: string): Published[] {
    return this.published.filter((p) => p.client === client);
  }
}
