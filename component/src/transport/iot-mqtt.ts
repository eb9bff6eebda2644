/**
 * The component's only view of AWS IoT Core messaging. Production uses Greengrass IPC
 * (PublishToIoTCore / SubscribeToIoTCore); the local stand-in uses a direct mTLS MQTT client.
 */
export type Qos = 0 | 1;

export interface IotMessage {
  topic: string;
  payload: Buffer;
}

export interface IotMqtt {
  /** Resolves once the subscription is acknowledged; rejects with the reason otherwise. */
  subscribe(topic: string, qos: Qos, onMessage: (message: IotMessage) => void): Promise<void>;
  publish(topic: string, payload: string, qos: Qos): Promise<void>;
  /** Releases subscriptions and the underlying connection. */
  close(): Promise<void>;
}
