import type { Logger } from '../../../shared/logging/logger.js';
import { MQTT_PROXY_SERVICE, policiesFor } from './access-control.js';
import type { ConfigStore } from './config-store.js';
import { IpcServer } from './ipc/ipc-server.js';
import { configurationOperations } from './ipc/operations/configuration.js';
import { mqttProxyOperations } from './ipc/operations/mqtt-proxy.js';
import type { MqttRouter } from './mqtt-router.js';
import { maxMessageSize, NUCLEUS_SERVICE } from './prepare-device.js';
import type { ValidationBroker } from './validation-broker.js';

/**
 * The nucleus's IPC server with the services a component may call: the MQTT proxy (through the
 * router of the current connection, within each component's access control) and configuration.
 */
export function startNucleusIpc(options: {
  socketPath: string;
  logger: Logger;
  config: ConfigStore;
  validation: ValidationBroker;
  router: () => MqttRouter | undefined;
}): Promise<IpcServer> {
  const { config } = options;
  return IpcServer.start({
    socketPath: options.socketPath,
    logger: options.logger,
    operations: [
      ...mqttProxyOperations({
        router: options.router,
        policies: (name) => policiesFor(config.configuration(name), MQTT_PROXY_SERVICE).policies,
        ...maxMessageSize(config.configuration(NUCLEUS_SERVICE)),
      }),
      ...configurationOperations({ config, validation: options.validation }),
    ],
  });
}
