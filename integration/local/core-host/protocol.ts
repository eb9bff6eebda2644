import type { AlgorithmConfig } from '../../../component/src/config/algorithms.js';
import type { BrokerAddress } from '../../device/reconnecting-mqtt.js';
import type { ProvisionedCore } from '../fleet.js';

/** What the core host is started with (its first message). */
export interface HostInit {
  type: 'init';
  broker: BrokerAddress;
  cores: ProvisionedCore[];
  algorithms: AlgorithmConfig;
  componentTimerScale: number;
  keyGenerationSlots?: number;
  restartDelayMs?: number;
}

/** Something done to one core, as a RunningCore would do it. */
export type CoreOperation = 'start' | 'stop' | 'powerCut' | 'deployConfiguration';

export type ToHost =
  | HostInit
  | { type: 'states'; id: number }
  | { type: 'call'; id: number; index: number; operation: CoreOperation; configuration?: Record<string, unknown> };

/** Every core's state and restart count, and the host's resident memory, at one moment. */
export interface HostSnapshot {
  states: string[];
  restarts: number[];
  rssBytes: number;
}

export type FromHost =
  | { type: 'started'; started: number; total: number }
  | { type: 'ready' }
  | { type: 'states'; id: number; snapshot: HostSnapshot }
  | { type: 'result'; id: number; ok: true; value?: unknown }
  | { type: 'result'; id: number; ok: false; error: string }
  | { type: 'restart'; index: number };
