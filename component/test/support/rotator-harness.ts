import {
  jobsTopicPrefix,
  notifyNextTopic,
  replyTopic,
  ROTATE_CERTIFICATE_OPERATION,
  type ReplyOutcome,
  type RequestKind,
} from '../../../shared/contract/index.js';
import type { AlgorithmConfig } from '../../src/config/algorithms.js';
import { startRotator, type RotatorInstance } from '../../src/runtime/rotator.js';
import type { RotatorDeps } from '../../src/runtime/rotator-deps.js';
import { FakeBroker } from './fake-broker.js';
import { FakeClock } from './fake-clock.js';
import { FakeStore } from './fake-store.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';

/** One simulated core: its rotator's dependencies and what they observed. */
export interface Device {
  thing: string;
  deps: RotatorDeps;
  logger: MemoryLogger;
  restarts: number;
  rotator: RotatorInstance;
}

export interface World {
  broker: FakeBroker;
  clock: FakeClock;
}

export function world(): World {
  return { broker: new FakeBroker(), clock: new FakeClock() };
}

/** Starts a rotator for `thing` (the store is the device's disk: reuse it across restarts). */
export async function boot(w: World, thing: string, store: FakeStore, algorithms?: AlgorithmConfig): Promise<Device> {
  const device = prepare(w, thing, store, algorithms);
  device.rotator = await startRotator(device.deps);
  return device;
}

/** A device whose rotator is not started yet (`rotator` is unset until the caller starts it). */
export function prepare(w: World, thing: string, store: FakeStore, algorithms?: AlgorithmConfig): Device {
  const logger = new MemoryLogger();
  // `rotator` is filled in by whoever starts it.
  const device = { thing, logger, restarts: 0 } as Device;
  device.deps = {
    thingName: thing,
    mqtt: w.broker.client(thing),
    store,
    algorithms: () => algorithms ?? { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' },
    restart: () => {
      device.restarts += 1;
    },
    clock: w.clock,
    logger,
  };
  return device;
}

/** What AWS IoT and the backend send to a thing. */
export function cloud(w: World, thing: string) {
  const jobs = jobsTopicPrefix(thing);
  const reply = (kind: RequestKind, outcome: ReplyOutcome): string => replyTopic(kind, thing, outcome);
  const execution = (jobId: string, status: string) => ({
    jobId,
    thingName: thing,
    jobDocument: { operation: ROTATE_CERTIFICATE_OPERATION },
    status,
    queuedAt: 1,
    lastUpdatedAt: 1,
    versionNumber: 1,
    executionNumber: 1,
  });
  return {
    noPendingJob: () => w.broker.deliver(`${jobs}/$next/get/accepted`, { timestamp: 1, clientToken: 'c' }),
    pendingJob: (jobId: string, status: string) =>
      w.broker.deliver(`${jobs}/$next/get/accepted`, { execution: execution(jobId, status), timestamp: 1 }),
    getRejected: () => w.broker.deliver(`${jobs}/$next/get/rejected`, { code: 'Throttled', message: 'Rate exceeded', timestamp: 1 }),
    notifyNext: (jobId: string) => w.broker.deliver(notifyNextTopic(thing), { timestamp: 1, execution: execution(jobId, 'QUEUED') }),
    updateAccepted: (jobId: string) => w.broker.deliver(`${jobs}/${jobId}/update/accepted`, { timestamp: 1 }),
    updateRejected: (jobId: string) =>
      w.broker.deliver(`${jobs}/${jobId}/update/rejected`, { code: 'InvalidStateTransition', timestamp: 1 }),
    createAccepted: (certificatePem: string) => w.broker.deliver(reply('create', 'accepted'), { certificatePem }),
    createRejected: () => w.broker.deliver(reply('create', 'rejected'), { errorMsg: 'Pre-conditions not met' }),
    commitAccepted: () => w.broker.deliver(reply('commit', 'accepted'), {}),
    commitRejected: () => w.broker.deliver(reply('commit', 'rejected'), { errorMsg: 'Pre-conditions not met' }),
  };
}
