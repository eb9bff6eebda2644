import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sdkIpc from 'aws-iot-device-sdk-v2/dist/greengrasscoreipc.js';
import { ipcClientConfig, type IpcClient } from '../../../../component/src/transport/ipc-client.js';
import { policiesFor, MQTT_PROXY_SERVICE } from '../../../device/nucleus/access-control.js';
import { ConfigStore, type ConfigTree } from '../../../device/nucleus/config-store.js';
import { IpcServer } from '../../../device/nucleus/ipc/ipc-server.js';
import { configurationOperations } from '../../../device/nucleus/ipc/operations/configuration.js';
import { mqttProxyOperations } from '../../../device/nucleus/ipc/operations/mqtt-proxy.js';
import { MqttRouter } from '../../../device/nucleus/mqtt-router.js';
import { ValidationBroker } from '../../../device/nucleus/validation-broker.js';
import { MemoryMqtt } from './memory-mqtt.js';
import { MemoryLogger } from '../../../../shared/test/support/memory-logger.js';

export interface IpcFixture {
  dir: string;
  server: IpcServer;
  mqtt: MemoryMqtt;
  config: ConfigStore;
  validation: ValidationBroker;
  logger: MemoryLogger;
  /** Connects the real SDK client as `component`, or with the given token. */
  connect(as: { component?: string; token?: string }): Promise<IpcClient>;
  close(): Promise<void>;
}

/** An IPC server with the MQTT proxy and configuration operations over an in-memory broker. */
export async function startIpcFixture(services: Record<string, ConfigTree>): Promise<IpcFixture> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nucleus-ipc-'));
  const logger = new MemoryLogger();
  const mqtt = new MemoryMqtt();
  const router = new MqttRouter(mqtt);
  const config = new ConfigStore(
    { certificateFilePath: '', privateKeyPath: '', rootCaPath: '', rootpath: dir, thingName: 'core-1' },
    path.join(dir, 'config', 'effectiveConfig.yaml'),
  );
  for (const [name, configuration] of Object.entries(services)) config.setService(name, configuration);
  const validation = new ValidationBroker();
  const server = await IpcServer.start({
    socketPath: path.join(dir, 'ipc.socket'),
    logger,
    operations: [
      ...mqttProxyOperations({
        router: () => router,
        policies: (component) => policiesFor(config.configuration(component), MQTT_PROXY_SERVICE).policies,
      }),
      ...configurationOperations({ config, validation }),
    ],
  });
  const clients: IpcClient[] = [];
  return {
    dir,
    server,
    mqtt,
    config,
    validation,
    logger,
    async connect(as) {
      const authToken = as.token ?? server.issueToken(as.component ?? '');
      const client = sdkIpc.createClient(ipcClientConfig({ socketPath: server.socketPath, authToken }));
      clients.push(client);
      await client.connect();
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
