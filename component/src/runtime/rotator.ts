import { initialState, transition } from '../fsm/transition.js';
import type { RotatorEvent, RotatorState, StateName } from '../fsm/types.js';
import { parseInbound } from '../protocol/inbound.js';
import { checkedThingName } from '../../../shared/contract/index.js';
import type { IotMessage } from '../transport/iot-mqtt.js';
import { runEffect, type EffectContext } from './effects.js';
import type { RotatorDeps, RotatorHandle } from './rotator-deps.js';

export { createSystemClock } from './system-clock.js';

/** A running rotator. `settled()` is for hosts and tests that need to wait for quiet. */
export interface RotatorInstance extends RotatorHandle {
  /** Current state; Stopped once a restart has been requested. */
  state(): StateName;
  /** Resolves when every event received so far has been handled, with all its effects. */
  settled(): Promise<void>;
}

interface Queued {
  event: RotatorEvent;
  /** For timeouts: the timer that fired, so that one cancelled after firing is dropped. */
  timer?: number;
}

/**
 * Starts one rotator: runs the start-up checks, subscribes to the nine reply topics and asks
 * for the next job. Resolves once that start has been handled (subscribed and `$next/get` sent,
 * a retry scheduled, or a restart requested). Events are handled one at a time: each one's
 * actions, including slow effects like key generation, finish before the next event is looked at.
 * Every instance keeps its own state, so many can run in one process.
 */
export async function startRotator(deps: RotatorDeps): Promise<RotatorInstance> {
  const { logger, clock, thingName } = deps;
  checkedThingName(thingName);
  let state: RotatorState = initialState(thingName);
  let halted = false;
  const queue: Queued[] = [];
  let running = false;
  let draining: Promise<void> = Promise.resolve();
  let timerGeneration = 0;
  let stateTimer: unknown;
  let resubscribeTimer: unknown;

  // The job a decision concerns: kept through the transition that leaves it, for its actions' logs.
  let logJobId: string | undefined;
  const logFields = (): Record<string, unknown> => ({ thingName, jobId: logJobId });

  const enqueue = (item: Queued): void => {
    if (halted) return;
    queue.push(item);
    if (!running) {
      running = true;
      draining = drain();
    }
  };

  const onMessage = (message: IotMessage): void => {
    const parsed = parseInbound(thingName, message.topic, message.payload);
    if (parsed.outcome === 'unknownTopic') {
      logger.debug('Ignoring message on an unexpected topic', { ...logFields(), topic: message.topic });
    } else if (parsed.outcome === 'invalid') {
      logger.warn('Ignoring invalid message', { ...logFields(), topic: message.topic, error: parsed.error });
    } else {
      enqueue({ event: parsed.message });
    }
  };

  const ctx: EffectContext = { deps, subscribed: new Set(), onMessage, logFields };

  const cancelStateTimer = (): void => {
    timerGeneration += 1;
    if (stateTimer !== undefined) clock.clearTimeout(stateTimer);
    stateTimer = undefined;
  };

  const halt = (): void => {
    halted = true;
    queue.length = 0;
    cancelStateTimer();
    if (resubscribeTimer !== undefined) clock.clearTimeout(resubscribeTimer);
    resubscribeTimer = undefined;
  };

  /** Handles one event and then, in turn, the answers of the effects it caused. */
  const handle = async (first: RotatorEvent): Promise<void> => {
    let next: RotatorEvent | undefined = first;
    while (next !== undefined && !halted) {
      const event: RotatorEvent = next;
      next = undefined;
      const from = state;
      let result;
      try {
        result = transition(from, event);
      } catch (error) {
        logger.error('State machine error; event dropped', { ...logFields(), event: event.type, error: String(error) });
        return;
      }
      state = result.state;
      logJobId = state.jobId ?? from.jobId;
      if (result.row !== undefined) {
        logger.info(from.name === state.name ? 'Handled event' : 'State changed', {
          ...logFields(),
          from: from.name,
          to: state.name,
          event: event.type,
          row: result.row,
        });
      } else if (result.actions.length === 0) {
        logger.debug('Ignored event', { ...logFields(), state: state.name, event: event.type });
      }
      for (const action of result.actions) {
        switch (action.type) {
          case 'startTimer': {
            cancelStateTimer();
            const generation = timerGeneration;
            stateTimer = clock.setTimeout(() => enqueue({ event: { type: 'timeout' }, timer: generation }), action.ms);
            break;
          }
          case 'cancelTimer':
            cancelStateTimer();
            break;
          case 'scheduleResubscribe':
            resubscribeTimer = clock.setTimeout(() => {
              resubscribeTimer = undefined;
              enqueue({ event: { type: 'resubscribe' } });
            }, action.ms);
            break;
          case 'restart':
            logger.info('Requesting a Greengrass restart', logFields());
            halt();
            // Not awaited: a host may stop() this instance from inside restart().
            requestRestart();
            break;
          default:
            try {
              const answer = await runEffect(ctx, action);
              if (answer !== undefined) next = answer;
            } catch (error) {
              logger.error('Action failed', { ...logFields(), action: action.type, error: String(error) });
            }
        }
      }
    }
  };

  const requestRestart = (): void => {
    const failed = (error: unknown): void => logger.error('Restart request failed', { ...logFields(), error: String(error) });
    try {
      Promise.resolve(deps.restart()).catch(failed);
    } catch (error) {
      failed(error);
    }
  };

  const drain = async (): Promise<void> => {
    try {
      for (let item = queue.shift(); item !== undefined && !halted; item = queue.shift()) {
        if (item.timer !== undefined && item.timer !== timerGeneration) continue;
        await handle(item.event);
      }
    } finally {
      // Set in the same turn as the empty-queue check, so enqueue() never sees a stale flag.
      running = false;
    }
  };

  const instance: RotatorInstance = {
    state: () => state.name,
    settled: async () => {
      while (running) await draining;
    },
    stop: async () => {
      logger.info('Stopping the rotator', logFields());
      halt();
      await instance.settled();
    },
  };

  logger.info('Starting the rotator', logFields());
  enqueue({ event: { type: 'start' } });
  await instance.settled();
  return instance;
}
