import type { Logger } from '../../shared/logging/logger.js';
import type { ApiServiceOptions, ApiServices, HttpEndpoint } from './api-services.js';
import { IotBroker } from './broker/iot-broker.js';
import type { LambdaService } from './lambda/lambda-service.js';
import { JobsMqttApi } from './jobs-mqtt/jobs-mqtt.js';
import { stderrLogger } from './logger.js';
import { AwsModel, type AwsModelOptions } from './model/aws-model.js';
import { RulesEngine } from './rules/rules-engine.js';
import { ApiRateLimits } from './http/rate-limits.js';
import { StandInFaults } from './stand-in-faults.js';

/** How long close() waits for running Lambda invocations to finish. */
const CLOSE_DRAIN_MS = 5_000;

export interface AwsStandInOptions extends AwsModelOptions {
  logger?: Logger;
  /** MQTT listen address; default 127.0.0.1 and an ephemeral port. */
  mqttHost?: string;
  mqttPort?: number;
  /**
   * Serve the AWS HTTP APIs (IoT, IoT data, IoT jobs data, ACM PCA, SNS, Greengrass V2, S3) over
   * HTTPS for SDK clients, with AWS Lambda behind them. Default true; `false` runs MQTT only.
   */
  http?: boolean | ApiServiceOptions;
  /**
   * Throttle the HTTP APIs at AWS's default request-rate quotas (see http/api-quotas.ts), scaled
   * with the AWS minute. Default true.
   */
  apiQuotas?: boolean;
}

export type { HttpEndpoint } from './api-services.js';

export interface AwsStandIn {
  /** What a device needs to connect: the broker address and the root certificate to trust. */
  mqtt: { host: string; port: number; caCertificatePem: string };
  model: AwsModel;
  rules: RulesEngine;
  broker: IotBroker;
  jobsMqtt: JobsMqttApi;
  faults: StandInFaults;
  http?: HttpEndpoint;
  /** AWS Lambda, where the HTTP APIs are served: functions deployed from a template run here. */
  lambda?: LambdaService;
  /** The request-rate quotas in force, unless switched off. */
  rateLimits?: ApiRateLimits;
  close(): Promise<void>;
}

/**
 * Starts the AWS side of the local stand-in: the account model, the mutual-TLS MQTT broker, the
 * jobs MQTT API, the rules engine and (unless disabled) the HTTP APIs, wired as AWS IoT is.
 */
export async function startAwsStandIn(options: AwsStandInOptions = {}): Promise<AwsStandIn> {
  const logger = options.logger ?? stderrLogger();
  const model = await AwsModel.create({
    ...options,
    onListenerError: options.onListenerError ?? ((error) => logger.error('Model listener failed', { error: String(error) })),
  });
  const now = (): number => model.clock.now();
  const rules = new RulesEngine(model, now, logger);
  const broker = await IotBroker.start({
    model,
    logger,
    ...(options.mqttHost === undefined ? {} : { host: options.mqttHost }),
    ...(options.mqttPort === undefined ? {} : { port: options.mqttPort }),
  });
  const jobsMqtt = new JobsMqttApi({
    deviceJobs: model.deviceJobs,
    publish: (topic, payload) => model.messages.publish(topic, payload, 0),
    now,
    logger,
  });
  broker.onMessage((message) => {
    if (message.origin) {
      jobsMqtt.handle(message.topic, message.payload);
      model.greengrass.handleDeviceMessage(message.topic, message.payload);
    }
    rules.handleMessage({
      topic: message.topic,
      payload: message.payload,
      timestamp: now(),
      ...(message.origin ? { clientId: message.origin.clientId, principal: message.origin.principal } : {}),
    });
  });

  let services: ApiServices | undefined;
  const rateLimits = options.apiQuotas === false ? undefined : new ApiRateLimits({ now, minuteMs: model.timeScale.minuteMs });
  if (options.http !== false) {
    // Loaded on demand so that an MQTT-only stand-in does not depend on the HTTP layer.
    const { startApiServices } = await import('./api-services.js');
    const settings = typeof options.http === 'object' ? options.http : {};
    services = await startApiServices(model, rules, logger, { ...settings, ...(rateLimits ? { rateLimits } : {}) });
  }

  return {
    mqtt: { host: broker.host, port: broker.port, caCertificatePem: broker.caCertificatePem },
    model,
    rules,
    broker,
    jobsMqtt,
    faults: new StandInFaults(model, broker, rules),
    ...(services ? { http: services.http, lambda: services.lambda } : {}),
    ...(rateLimits ? { rateLimits } : {}),
    async close() {
      // Lambdas still running would otherwise call an API that is gone and log errors after the
      // test; a device that keeps publishing must not hold the close up for long, though.
      await Promise.race([rules.whenIdle(), new Promise((resolve) => setTimeout(resolve, CLOSE_DRAIN_MS).unref())]);
      await services?.close();
      await broker.close();
      model.close();
    },
  };
}
