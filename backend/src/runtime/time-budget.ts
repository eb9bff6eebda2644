/**
 * The part of a Lambda context the handlers rely on. A caller in the same process (a test) may pass
 * nothing at all, and the handler then works against a default budget.
 */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  awsRequestId?: string;
}

/** Time left for one invocation's work, with a safety margin already taken off. */
export interface TimeBudget {
  remainingMs(): number;
}

export interface TimeBudgetOptions {
  /** Budget when no context is given (the Lambda timeout the function is deployed with). */
  defaultMs: number;
  /** Kept free so the handler can still reply or log before the platform stops it. */
  marginMs: number;
  now?: () => number;
}

export function timeBudget(context: InvocationContext | undefined, options: TimeBudgetOptions): TimeBudget {
  const margin = options.marginMs;
  if (context !== undefined) {
    return { remainingMs: () => context.getRemainingTimeInMillis() - margin };
  }
  const now = options.now ?? Date.now;
  const deadline = now() + options.defaultMs;
  return { remainingMs: () => deadline - now() - margin };
}

/** A smaller budget that leaves `reserveMs` of the given one for clean-up after a failure. */
export function reserving(budget: TimeBudget, reserveMs: number): TimeBudget {
  return { remainingMs: () => budget.remainingMs() - reserveMs };
}

/** The given budget, ending no later than `limitMs` from now. */
export function atMost(budget: TimeBudget, limitMs: number, now: () => number = Date.now): TimeBudget {
  const deadline = now() + limitMs;
  return { remainingMs: () => Math.min(budget.remainingMs(), deadline - now()) };
}
