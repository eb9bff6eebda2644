import { DEFAULT_KEY_ALGORITHM, DEFAULT_SIGNING_ALGORITHM, type AlgorithmConfig } from '../config/algorithms.js';
import type { CredentialMode, GreengrassPaths } from '../config/effective-config.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import type { Clock, RotatorDeps, RotatorHandle } from '../runtime/rotator-deps.js';
import { ipcEndpointFromEnv, type IpcClient, type IpcEndpoint } from '../transport/ipc-client.js';
import {
  readAlgorithmConfiguration,
  subscribeToConfigurationValidation,
  type AlgorithmConfigValidator,
} from '../transport/ipc-configuration.js';
import { IpcMqtt } from '../transport/ipc-mqtt.js';
import type { FlushableLogger } from './stdout-logger.js';

/** The exit code that asks the Run script to restart Greengrass (systemctl on Linux, reboot on Windows). */
export const EXIT_RESTART_GREENGRASS = 0;
/** Any other exit is a failure: the Run script passes it on and Greengrass does not restart. */
export const EXIT_FAILURE = 1;

/** The IPC operations the component uses, plus the disconnection event. */
export type ComponentIpcClient = Pick<
  IpcClient,
  | 'publishToIoTCore'
  | 'subscribeToIoTCore'
  | 'getConfiguration'
  | 'subscribeToValidateConfigurationUpdates'
  | 'sendConfigurationValidityReport'
  | 'close'
  | 'on'
>;

/** Every effect of start-up, injected so the sequence can be exercised without Greengrass. */
export interface ComponentHost {
  logger: FlushableLogger;
  env: NodeJS.ProcessEnv;
  loadEffectiveConfig: () => GreengrassPaths;
  credentialMode: (paths: GreengrassPaths) => CredentialMode;
  connectIpc: (endpoint: IpcEndpoint) => Promise<ComponentIpcClient>;
  /** The PKCS#11 store reads its provider's configuration over IPC, hence the client. */
  createStore: (paths: GreengrassPaths, mode: CredentialMode, ipc: ComponentIpcClient) => Promise<CredentialStore>;
  validate: AlgorithmConfigValidator;
  startRotator: (deps: RotatorDeps) => Promise<RotatorHandle>;
  clock: Clock;
  exit: (code: number) => void;
}

export interface RunningComponent {
  rotator: RotatorHandle;
  algorithms: () => AlgorithmConfig;
}

/**
 * Start-up in the original's order of concerns: where the credentials are, IPC, the store,
 * the component configuration (answering proposals from then on), then the rotator.
 * Throws with a message naming what is wrong; the caller exits non-zero.
 */
export async function startComponent(host: ComponentHost): Promise<RunningComponent> {
  const { logger } = host;
  const paths = host.loadEffectiveConfig();
  const mode = host.credentialMode(paths);
  logger.info('Greengrass effective configuration read', {
    thingName: paths.thingName,
    credentialMode: mode,
    certificateFilePath: paths.certificateFilePath,
    credentialPathsFrom: paths.foundIn,
  });

  const ipc = await host.connectIpc(ipcEndpointFromEnv(host.env));
  ipc.on('disconnection', () => {
    // Without IPC the component can neither hear the backend nor roll forward; let Greengrass restart it.
    logger.error('Greengrass IPC connection lost; exiting so that Greengrass restarts the component');
    void logger.flush().then(() => host.exit(EXIT_FAILURE));
  });

  const store = await host.createStore(paths, mode, ipc);

  let accepted: AlgorithmConfig | undefined;
  await subscribeToConfigurationValidation(ipc, {
    validate: host.validate,
    onAccepted: (config) => {
      accepted = config;
    },
    logger,
  });
  const initial = await initialAlgorithms(ipc, host, store);
  // A proposal accepted while the initial read was in flight is newer than what it returned.
  accepted ??= initial;
  logger.info('Algorithms in force', { ...accepted });

  const algorithms = (): AlgorithmConfig => accepted ?? initial;
  const rotator = await host.startRotator({
    thingName: paths.thingName,
    mqtt: new IpcMqtt(ipc, logger),
    store,
    algorithms,
    restart: async () => {
      logger.info('Exiting with code 0 so that Greengrass restarts with the installed credentials');
      await logger.flush();
      host.exit(EXIT_RESTART_GREENGRASS);
    },
    clock: host.clock,
    logger,
  });
  logger.info('Certificate rotator started', { state: rotator.state() });
  return { rotator, algorithms };
}

/**
 * An invalid configuration stops start-up (the deployment then shows the component broken),
 * except while a rotation is under way: then the rotation must still commit or roll back,
 * which needs no algorithm, so the defaults stand in and the error is logged.
 */
async function initialAlgorithms(ipc: ComponentIpcClient, host: ComponentHost, store: CredentialStore): Promise<AlgorithmConfig> {
  try {
    return await readAlgorithmConfiguration(ipc, host.validate);
  } catch (error) {
    if (!(await store.backupExists())) throw error;
    host.logger.error('Using the default algorithms so that the rotation under way can finish', {
      error: (error as Error).message,
    });
    return { keyAlgorithm: DEFAULT_KEY_ALGORITHM, signingAlgorithm: DEFAULT_SIGNING_ALGORITHM };
  }
}
