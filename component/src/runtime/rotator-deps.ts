import type { AlgorithmConfig } from '../config/algorithms.js';
import type { StateName } from '../fsm/types.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import type { IotMqtt } from '../transport/iot-mqtt.js';
import type { Logger } from '../../../shared/logging/logger.js';

/** Timers, injected so tests can drive time and many instances can share one process. */
export interface Clock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Everything the rotation runtime needs from the outside world. */
export interface RotatorDeps {
  thingName: string;
  mqtt: IotMqtt;
  store: CredentialStore;
  /** The algorithms in force now; read when a rotation starts (configuration updates change it). */
  algorithms: () => AlgorithmConfig;
  /**
   * "Stop": ask for Greengrass to be restarted so it reconnects with the installed credentials.
   * In production the process exits with code 0 and the recipe restarts Greengrass.
   */
  restart: () => void | Promise<void>;
  clock: Clock;
  logger: Logger;
}

/** What a running rotator exposes to its host. */
export interface RotatorHandle {
  /** Current state of the state machine. */
  state(): StateName;
  /** Stops timers and handling; does not touch credentials. */
  stop(): Promise<void>;
}
