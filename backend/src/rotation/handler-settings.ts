import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod/mini';
import '../../../shared/contract/zod-english.js';
import { HandlerClients, type ClientConfig } from '../aws/clients.js';
import { describeIssues } from '../events/issues.js';
import { createRotationMetrics, type RotationMetrics } from '../metrics/rotation-metrics.js';
import { createInvocation, realSleep, type Invocation } from '../runtime/invocation.js';
import { DEFAULT_BACKOFF } from '../runtime/retry.js';
import type { SecurityEventListener } from './security-events.js';
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
  /** Told of every request dropped because it did not come from the thing it names (besides the log line). */
  onSecurityEvent?: SecurityEventListener;
  /** Where the function's metrics go (default: EMF lines on stdout through Powertools Metrics). */
  metrics?: RotationMetrics;
}

export interface TimingSettings {
  /** Time budget when the handler is called without a Lambda context. */
  defaultBudgetMs: number;
  /** Kept free at the end of the budget so the handler can still reply and log. */
  safetyMarginMs: number;
  /**
   * Backoff for throttled calls: the delay ceiling falls from `maxDelayMs` for a request that has
   * just begun to `baseDelayMs` for one `urgentAfterMs` old (see `delayCeiling`).
   */
  baseDelayMs: number;
  maxDelayMs: number;
  urgentAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random: () => number;
  /** Wall clock in milliseconds, for what is rationed per second across invocations. */
  now: () => number;
}

const settingsSchema = z.object({
  clientConfig: z.object({ region: z.string().check(z.minLength(1)) }),
  jobDocument: z.string().check(z.minLength(1)),
  shadowName: z.string().check(z.regex(/^[a-zA-Z0-9:_-]{1,64}$/, 'must be a shadow name')),
  timing: z.optional(
    z.object({
      defaultBudgetMs: z.optional(z.number().check(z.positive())),
      safetyMarginMs: z.optional(z.number().check(z.nonnegative())),
      baseDelayMs: z.optional(z.number().check(z.positive())),
      maxDelayMs: z.optional(z.number().check(z.positive())),
      urgentAfterMs: z.optional(z.number().check(z.nonnegative())),
    }),
  ),
});

/** How a rotation handler is set up: what its settings are called in errors, and its defaults. */
export interface HandlerIdentity {
  /** Names the handler in setting errors, e.g. `create-certificate`. */
  label: string;
  /** Service name of the logger created when the settings bring none (= the function name). */
  serviceName: string;
  /** Budget when called without a Lambda context: the timeout the function is deployed with. */
  defaultBudgetMs: number;
}

/** The start of one invocation: its time budget, and its logging scope once the keys are known. */
export interface InvocationStart {
  budget: TimeBudget;
  /** The invocation, logging with `keys` (and the Lambda request id) on every line. */
  invocation(keys: Record<string, string>): Invocation;
}

/** What every rotation handler builds once per instance. */
export interface HandlerBase {
  clients: HandlerClients;
  onSecurityEvent?: SecurityEventListener;
  /** Counted during an invocation, printed when it ends. */
  metrics: RotationMetrics;
  /** The handler's wall clock (Date.now unless the settings give another). */
  now: () => number;
  begin(context: InvocationContext | undefined): InvocationStart;
}

/**
 * Checks the settings (throwing an error naming the bad field) and builds what every rotation
 * handler shares: its AWS clients, its logger, and the time budget of each invocation.
 */
export function prepareHandler(settings: HandlerSettings, identity: HandlerIdentity): HandlerBase {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) throw new Error(`Invalid ${identity.label} settings: ${describeIssues(parsed.error)}`);
  const timing = resolveTiming(settings.timing, identity.defaultBudgetMs);
  const logger = settings.logger ?? new Logger({ serviceName: identity.serviceName });
  return {
    clients: new HandlerClients(settings.clientConfig),
    metrics: settings.metrics ?? createRotationMetrics(identity.serviceName),
    now: timing.now,
    ...(settings.onSecurityEvent === undefined ? {} : { onSecurityEvent: settings.onSecurityEvent }),
    begin: (context) => {
      const budget = timeBudget(context, { defaultMs: timing.defaultBudgetMs, marginMs: timing.safetyMarginMs });
      const begunAt = timing.now();
      const requestKeys = context?.awsRequestId === undefined ? {} : { awsRequestId: context.awsRequestId };
      return {
        budget,
        invocation: (keys) =>
          createInvocation({
            logger: logger.createChild({ persistentKeys: { ...keys, ...requestKeys } }),
            budget,
            sleep: timing.sleep,
            random: timing.random,
            ageMs: () => timing.now() - begunAt,
            backoff: { baseDelayMs: timing.baseDelayMs, maxDelayMs: timing.maxDelayMs, urgentAfterMs: timing.urgentAfterMs },
          }),
      };
    },
  };
}

function resolveTiming(timing: Partial<TimingSettings> | undefined, defaultBudgetMs: number): TimingSettings {
  return {
    defaultBudgetMs,
    safetyMarginMs: 1_000,
    ...DEFAULT_BACKOFF,
    sleep: realSleep,
    random: Math.random,
    now: Date.now,
    ...timing,
  };
}
