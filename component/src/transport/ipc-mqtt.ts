import * as z from 'zod';
import type { IpcClient } from './ipc-client.js';
import { describeIpcError } from './ipc-error.js';
import type { IotMessage, IotMqtt, Qos } from './iot-mqtt.js';
import type { Logger } from '../../../shared/logging/logger.js';

/** The part of the IPC client this transport uses; tests hand in a fake. */
export type IpcMqttClient = Pick<IpcClient, 'publishToIoTCore' | 'subscribeToIoTCore' | 'close'>;

/** The service model spells QoS as the strings "0" and "1". */
const MODEL_QOS = { 0: '0', 1: '1' } as const;
type ModelQos = Parameters<IpcClient['publishToIoTCore']>[0]['qos'];
const toModelQos = (qos: Qos): ModelQos => MODEL_QOS[qos] as ModelQos;

const iotCoreMessageSchema = z.object({
  message: z.object({
    topicName: z.string().min(1),
    payload: z.unknown().optional(),
  }),
});

/**
 * The SDK decodes the model's base64 blob into an ArrayBuffer; a string or view is accepted
 * too so a message is never dropped for its container type.
 */
export function payloadToBuffer(payload: unknown): Buffer {
  if (payload === undefined || payload === null) return Buffer.alloc(0);
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof ArrayBuffer) return Buffer.from(payload);
  if (ArrayBuffer.isView(payload)) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  throw new Error('message.payload: expected binary data');
}

interface Closeable {
  close(): Promise<void>;
}

/** IotMqtt over Greengrass IPC: PublishToIoTCore and streaming SubscribeToIoTCore. */
export class IpcMqtt implements IotMqtt {
  private readonly subscriptions: Closeable[] = [];

  constructor(
    private readonly client: IpcMqttClient,
    private readonly logger: Logger,
  ) {}

  async subscribe(topic: string, qos: Qos, onMessage: (message: IotMessage) => void): Promise<void> {
    const operation = this.client.subscribeToIoTCore({ topicName: topic, qos: toModelQos(qos) });
    operation.on('message', (event) => this.deliver(topic, event, onMessage));
    operation.on('streamError', (error) => this.logger.error('Subscription stream error', { topic, error: error.message }));
    operation.on('ended', () => this.logger.warn('Subscription stream ended', { topic }));
    try {
      await operation.activate();
    } catch (error) {
      await operation.close().catch(() => undefined);
      throw new Error(`SubscribeToIoTCore ${topic} failed: ${describeIpcError(error)}`);
    }
    this.subscriptions.push(operation);
  }

  async publish(topic: string, payload: string, qos: Qos): Promise<void> {
    try {
      await this.client.publishToIoTCore({
        topicName: topic,
        qos: toModelQos(qos),
        payload: Buffer.from(payload, 'utf8'),
      });
    } catch (error) {
      throw new Error(`PublishToIoTCore ${topic} failed: ${describeIpcError(error)}`);
    }
  }

  /** Closes the subscriptions, then the IPC connection they run on. */
  async close(): Promise<void> {
    const subscriptions = this.subscriptions.splice(0);
    await Promise.allSettled(subscriptions.map((subscription) => subscription.close()));
    await this.client.close();
  }

  private deliver(subscribedTopic: string, event: unknown, onMessage: (message: IotMessage) => void): void {
    const parsed = iotCoreMessageSchema.safeParse(event);
    if (!parsed.success) {
      this.logger.warn('Ignoring malformed IoTCoreMessage', {
        subscription: subscribedTopic,
        error: z.prettifyError(parsed.error),
      });
      return;
    }
    const { topicName, payload } = parsed.data.message;
    let buffer: Buffer;
    try {
      buffer = payloadToBuffer(payload);
    } catch (error) {
      this.logger.warn('Ignoring IoTCoreMessage', { topic: topicName, error: describeIpcError(error) });
      return;
    }
    try {
      onMessage({ topic: topicName, payload: buffer });
    } catch (error) {
      // A throwing handler must not tear down the stream that serves every later message.
      this.logger.error('Message handler failed', { topic: topicName, error: describeIpcError(error) });
    }
  }
}
