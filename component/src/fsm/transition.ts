import { STATE_TIMEOUT_MS, TIMED_STATES, AWAITED_EVENTS } from './types.js';
import type { Action, AwaitKind, EventType, FactName, Facts, RotatorEvent, RotatorState, Transition } from './types.js';
import type { TransitionRow } from './row.js';
import { TRANSITIONS } from './table.js';

/** The state before anything happened; feed it `{ type: 'start' }`. */
export function initialState(thingName: string): RotatorState {
  return { thingName, name: 'Starting', awaiting: 'start' };
}

const RESULT_OF: ReadonlyMap<EventType, AwaitKind> = new Map(
  (Object.entries(AWAITED_EVENTS) as [AwaitKind, readonly EventType[]][]).flatMap(([kind, types]) =>
    types.map((type) => [type, kind] as const),
  ),
);

/**
 * The rotator's whole decision logic: given the current state and one event, the next state and
 * the actions to carry out, in order. Pure: no I/O, no clock, no randomness.
 *
 * Events that no row handles leave the state unchanged with no actions (ignored). Answers of
 * effects are only accepted while that answer is awaited, and while one is awaited everything
 * else is ignored.
 */
export function transition(state: RotatorState, event: RotatorEvent): Transition {
  const awaitedBy = RESULT_OF.get(event.type);
  if (state.awaiting !== undefined ? awaitedBy !== state.awaiting : awaitedBy !== undefined) {
    return { state, actions: [] };
  }

  let subject = event;
  let facts: Facts = {};
  if (event.type === 'fact') {
    if (state.pending === undefined || state.pending.fact !== event.fact) return { state, actions: [] };
    subject = state.pending.event;
    facts = { ...state.pending.facts, [event.fact]: event.value };
  }

  const settled: RotatorState = withoutWaiting(state);
  for (const candidate of TRANSITIONS) {
    if (candidate.from !== state.name || !candidate.on.includes(subject.type)) continue;
    if (candidate.when !== undefined && !candidate.when(subject, state)) continue;
    const check = checkFacts(candidate.facts, facts);
    if (check === 'mismatch') continue;
    if (check !== 'hold') {
      return {
        state: { ...settled, awaiting: 'fact', pending: { event: subject, facts, fact: check } },
        actions: [{ type: 'queryFact', fact: check }],
      };
    }
    return apply(candidate, settled, subject);
  }
  return { state: settled, actions: [] };
}

/** 'hold', 'mismatch', or the first fact not yet known. */
function checkFacts(required: Facts | undefined, known: Facts): 'hold' | 'mismatch' | FactName {
  for (const [fact, expected] of Object.entries(required ?? {}) as [FactName, boolean][]) {
    const value = known[fact];
    if (value === undefined) return fact;
    if (value !== expected) return 'mismatch';
  }
  return 'hold';
}

function apply(candidate: TransitionRow, state: RotatorState, event: RotatorEvent): Transition {
  const effects = candidate.effects(event, state);
  const changed = candidate.to !== state.name;
  const timer: Action[] = [];
  if (changed && TIMED_STATES.has(state.name)) timer.push({ type: 'cancelTimer' });
  if (changed && TIMED_STATES.has(candidate.to)) timer.push({ type: 'startTimer', ms: STATE_TIMEOUT_MS });

  const jobId = effects.jobId ?? (candidate.to === 'Idle' ? undefined : state.jobId);
  const next: RotatorState = {
    thingName: state.thingName,
    name: candidate.to,
    ...(jobId === undefined ? {} : { jobId }),
    ...(candidate.awaits === undefined ? {} : { awaiting: candidate.awaits }),
  };
  return { state: next, actions: [...timer, ...effects.actions], row: candidate.id };
}

function withoutWaiting(state: RotatorState): RotatorState {
  const { awaiting: _awaiting, pending: _pending, ...rest } = state;
  return rest;
}
