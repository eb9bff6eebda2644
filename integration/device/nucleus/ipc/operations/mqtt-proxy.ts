import { z } from 'zod';
import type { Qos } from '../../../../../component/src/transport/iot-mqtt.js';
import { isAuthorized, MQTT_PROXY_SERVICE, type AuthorizationPolicy } from '../../access-control.js';
import type { MqttRouter } from '../../mqtt-router.js';
import { IpcServiceError, notAuthorized } from '../errors.js';
import { defineOperation, type CallerContext, type OperationHandler } from '../operation.js';

/** Greengrass's default `mqtt.maxMessageSizeInBytes`: AWS IoT Core's 128 KiB message limit. */
export const DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024;
const MAX_TOPIC_BYTES = 256;
const MAX_TOPIC_SLASHES = 7;

export interface MqttProxyDeps {
  /** The MQTT connection of the nucleus as it is now (it changes across restarts). */
  router: () => MqttRouter | undefined;
  /** The calling component's mqttproxy policies, read at call time so deployments apply. */
  policies: (componentName: string) => AuthorizationPolicy[];
  maxMessageBytes?: number;
}

const qosSchema = z.enum(['0', '1'], { message: 'Invalid QoS value' });
const topicSchema = z.string({ message: 'Topic is required' }).min(1, 'Topic is required');
const publishSchema = z.object({
  topicName: topicSchema,
  qos: qosSchema,
  payload: z.string().optional(),
  retain: z.boolean().optional(),
});
const subscribeSchema = z.object({ topicName: topicSchema, qos: qosSchema });

function authorize(deps: MqttProxyDeps, caller: CallerContext, operation: string, topic: string): void {
  if (isAuthorized(deps.policies(caller.componentName), `aws.greengrass#${operation}`, topic, 'mqtt')) return;
  // Greengrass logs the reason and tells the client only "Not Authorized".
  caller.logger.info('Not Authorized', {
    error: `Principal ${caller.componentName} is not authorized to perform ${MQTT_PROXY_SERVICE}:aws.greengrass#${operation} on resource ${topic}`,
  });
  throw notAuthorized();
}

/** The checks Greengrass's MQTT client makes before it queues a publish. */
function publishProblem(topic: string, size: number, max: number): string | undefined {
  if (size >= max) return `The publishing message size ${size} bytes exceeds the configured limit of ${max} bytes`;
  if (topic.includes('#') || topic.includes('+')) {
    return "The topic of publish request should not contain wildcard characters of '#' or '+'";
  }
  const checked = topic.toLowerCase().replace(/^\$aws\/rules\/[^/]+\//, '');
  if ([...checked].filter((c) => c === '/').length > MAX_TOPIC_SLASHES) {
    return `The topic of request must have no more than ${MAX_TOPIC_SLASHES} forward slashes (/)`;
  }
  if (Buffer.byteLength(checked) > MAX_TOPIC_BYTES) {
    return `The topic size of request must be no larger than ${MAX_TOPIC_BYTES} bytes of UTF-8 encoded characters`;
  }
  return undefined;
}

export function mqttProxyOperations(deps: MqttProxyDeps): OperationHandler[] {
  const max = deps.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  return [
    defineOperation({
      name: 'PublishToIoTCore',
      requestSchema: publishSchema,
      responseShape: 'PublishToIoTCoreResponse',
      async handle(request, caller) {
        const topic = request.topicName;
        authorize(deps, caller, 'PublishToIoTCore', topic);
        const payload = Buffer.from(request.payload ?? '', 'base64');
        const problem = publishProblem(topic, payload.length, max);
        const router = deps.router();
        const qos = Number(request.qos) as Qos;
        const failure = problem ?? (router === undefined && qos === 0 ? 'Device is offline. Dropping QoS 0 message.' : undefined);
        if (failure !== undefined) throw new IpcServiceError('ServiceError', `Publish to topic ${topic} failed: ${failure}`);
        try {
          await router?.publish(topic, payload, qos);
        } catch (error) {
          throw new IpcServiceError('ServiceError', `Publish to topic ${topic} failed: ${(error as Error).message}`);
        }
        return {};
      },
    }),
    defineOperation({
      name: 'SubscribeToIoTCore',
      requestSchema: subscribeSchema,
      responseShape: 'SubscribeToIoTCoreResponse',
      eventShape: 'IoTCoreMessage',
      async handle(request, caller, stream) {
        const topic = request.topicName;
        authorize(deps, caller, 'SubscribeToIoTCore', topic);
        const router = deps.router();
        if (!router) throw new IpcServiceError('ServiceError', `Subscribe to topic ${topic} failed with error: not connected`);
        let unsubscribe: () => void;
        try {
          unsubscribe = await router.subscribe(topic, Number(request.qos) as Qos, (message) =>
            stream.send({ message: { topicName: message.topic, payload: message.payload.toString('base64') } }),
          );
        } catch (error) {
          throw new IpcServiceError('ServiceError', `Subscribe to topic ${topic} failed with error ${(error as Error).message}`);
        }
        stream.onClose(unsubscribe);
        caller.logger.debug('Component subscribed', { component: caller.componentName, topic });
        return {};
      },
    }),
  ];
}
