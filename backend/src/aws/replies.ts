import { PublishCommand, type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { Invocation } from '../runtime/invocation.js';

/** Replies to a device as the original does: JSON on an MQTT topic, QoS 0. */
export async function publishReply(
  iotData: IoTDataPlaneClient,
  topic: string,
  reply: Record<string, unknown>,
  invocation: Invocation,
): Promise<void> {
  const payload = new TextEncoder().encode(JSON.stringify(reply));
  await invocation.call('Publish', () => iotData.send(new PublishCommand({ topic, qos: 0, payload })));
  invocation.logger.info('Replied', { topic });
}
