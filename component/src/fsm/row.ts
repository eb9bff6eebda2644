import type { Action, AwaitKind, EventOf, EventType, Facts, RotatorEvent, RotatorState, StateName } from './types.js';

/** What a row does besides changing state. `jobId`, when given, becomes the job being worked. */
export interface RowEffects {
  readonly actions: readonly Action[];
  readonly jobId?: string;
}

/**
 * One line of the transition table: in state `from`, on an event of a type in `on` that passes
 * `when` and whose `facts` (asked of the credential store on demand) hold, do `effects` and go to
 * `to`. Rows are tried in table order; the first that applies wins; no row means "ignored".
 */
export interface TransitionRow {
  readonly id: string;
  readonly from: StateName;
  readonly on: readonly EventType[];
  /** How `when` reads in the diagram, e.g. "QUEUED rotation job". */
  readonly condition?: string;
  readonly when?: (event: RotatorEvent, state: RotatorState) => boolean;
  readonly facts?: Facts;
  readonly to: StateName;
  /** Set when the row's last action answers with an event that must come next. */
  readonly awaits?: AwaitKind;
  /** How the actions read in the diagram, e.g. "publish IN_PROGRESS". */
  readonly does: string;
  readonly effects: (event: RotatorEvent, state: RotatorState) => RowEffects;
}

interface RowDefinition<E extends EventType, G> {
  id: string;
  from: StateName;
  on: readonly E[];
  condition?: string;
  when?: (event: EventOf<E>, state: RotatorState) => boolean;
  /**
   * A condition that proves something of the event (`event is G`), such as that it carries its
   * job execution; `effects` then sees the event with it. The parameter takes `G` too only so that
   * the guard's type may be narrower than the event's.
   */
  guard?: (event: EventOf<E> | G) => event is G;
  facts?: Facts;
  to: StateName;
  awaits?: AwaitKind;
  does: string;
  effects?: (event: EventOf<E> & G, state: RotatorState) => RowEffects;
}

/**
 * Defines a row whose callbacks see the event narrowed to the types listed in `on`, and `effects`
 * also to what `guard` proved.
 */
export function row<const E extends EventType, G = unknown>(definition: RowDefinition<E, G>): TransitionRow {
  const { when, guard, effects, ...rest } = definition;
  // transition() calls a row only with an event whose type is in `on`, and calls `effects` only
  // once `when` held for that event, so the narrowing to the guarded type holds too.
  const narrow = (event: RotatorEvent): EventOf<E> & G => event as EventOf<E> & G;
  const holds =
    when === undefined && guard === undefined
      ? undefined
      : (event: RotatorEvent, state: RotatorState): boolean =>
          (guard === undefined || guard(narrow(event))) && (when === undefined || when(narrow(event), state));
  return {
    ...rest,
    ...(holds === undefined ? {} : { when: holds }),
    effects: (event, state) => (effects === undefined ? { actions: [] } : effects(narrow(event), state)),
  };
}
