import type { Logger } from '@aws-lambda-powertools/logger';
import { withRetry, type RetryEnvironment, type RetryOptions } from './retry.js';
import type { TimeBudget } from './time-budget.js';

/** What one handler invocation hands to the code doing AWS calls on its behalf. */
export interface Invocation {
  readonly logger: Logger;
  readonly budget: TimeBudget;
  readonly sleep: (ms: number) => Promise<void>;
  /** Runs one AWS call, retrying throttling (or what `options` says) within the budget. */
  call<T>(operation: string, send: () => Promise<T>, options?: RetryOptions): Promise<T>;
  /** The same invocation with a different budget (a reserve for clean-up, for instance). */
  withBudget(budget: TimeBudget): Invocation;
}

export interface InvocationParts {
  logger: Logger;
  budget: TimeBudget;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** How long the request has been under way: the longer, the more often a throttled call retries. */
  ageMs: () => number;
  backoff?: RetryOptions;
}

export function createInvocation(parts: InvocationParts): Invocation {
  const env: RetryEnvironment = { budget: parts.budget, sleep: parts.sleep, random: parts.random, ageMs: parts.ageMs };
  return {
    logger: parts.logger,
    budget: parts.budget,
    sleep: parts.sleep,
    call: (operation, send, options) => withRetry(operation, send, env, { ...parts.backoff, ...options }),
    withBudget: (budget) => createInvocation({ ...parts, budget }),
  };
}

export const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
