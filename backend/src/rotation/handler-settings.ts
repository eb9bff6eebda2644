import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import type { ClientConfig } from '../aws/clients.js';
import { describeIssues } from '../events/issues.js';
import { createInvocation, realSleep, type Invocation } from '../runtime/invocation.js';
import { DEFAULT_BACKOFF } from '../runtime/retry.js';
import { timeBudget, type InvocationContext, type TimeBudget } from '../runtime/time-budget.js';

/** Settings every rotation handler takes. Nothing is read from the environment here. */
export interface HandlerSettings {
  clientConfig: ClientConfig;
  /** The rotation job document, byte for byte: `{"operation":"ROTATE_CERTIFICATE"}`. */
  jobDocument: string;
  /** The named shadow that records rotation progress. */
  shadowName: string;
  /** Powertools logger; one is created (service name = function name) when absent. */
  logger?: Logger;
  timing?: Partial<TimingSettings>;
}

export interface TimingSettings {
  /** Time budget when the handler is called without a Lambda context. */
  defaultBudgetMs: number;
  /** Kept free at the end of the budget so the handler can still reply and log. */
  safetyMarginMs: number;
  /** Backoff for throttled calls: first delay ceiling, doubling up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random: () => number;
}

const settingsSchema = z.object({
  clientConfig: z.object({ region: z.string().min(1), endpoint: z.url().optional() }),
  jobDocument: z.string().min(1),
  shadowName: z.string().regex(/^[a-zA-Z0-9:_-]{1,64}$/, 'must be a shadow name'),
  timing: z
    .object({
      defaultBudgetMs: z.number().positive().optional(),
      safetyMarginMs: z.number().nonnegative().optional(),
      baseDelayMs: z.number().positive().optional(),
      maxDelayMs: z.number().positive().optional(),
    })
    .optional(),
});

/** Throws an error naming the bad field; run once when a handler is built. */
export function checkSettings(settings: unknown, label: string): void {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) throw new Error(`Invalid ${label} settings: ${describeIssues(parsed.error)}`);
}

export function resolveTiming(timing: Partial<TimingSettings> | undefined, defaultBudgetMs: number): TimingSettings {
  return {
    defaultBudgetMs,
    safetyMarginMs: 1_000,
    ...DEFAULT_BACKOFF,
    sleep: realSleep,
    random: Math.random,
    ...timing,
  };
}

export function handlerLogger(settings: { logger?: Logger }, serviceName: string): Logger {
  return settings.logger ?? new Logger({ serviceName });
}

/** The budget of one invocation: the Lambda's remaining time, or the default when run locally. */
export function invocationBudget(timing: TimingSettings, context: InvocationContext | undefined): TimeBudget {
  return timeBudget(context, { defaultMs: timing.defaultBudgetMs, marginMs: timing.safetyMarginMs });
}

export function beginInvocation(
  timing: TimingSettings,
  logger: Logger,
  budget: TimeBudget,
  keys: Record<string, string>,
  context: InvocationContext | undefined,
): Invocation {
  const requestKeys = context?.awsRequestId === undefined ? {} : { awsRequestId: context.awsRequestId };
  return createInvocation({
    logger: logger.createChild({ persistentKeys: { ...keys, ...requestKeys } }),
    budget,
    sleep: timing.sleep,
    random: timing.random,
    backoff: { baseDelayMs: timing.baseDelayMs, maxDelayMs: timing.maxDelayMs },
  });
}
