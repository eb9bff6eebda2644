import { z } from 'zod';
import { KEY_ALGORITHMS, SIGNING_ALGORITHMS } from '../../component/src/config/algorithms.js';

/** What one fleet run is asked to do; the child process validates it before running. */
export const fleetSpecSchema = z.object({
  devices: z.number().int().min(1).max(5000),
  keyAlgorithm: z.enum(KEY_ALGORITHMS),
  signingAlgorithm: z.enum(SIGNING_ALGORITHMS),
  /** Speed-up of the component's timers (30 s state timeout / clockScale). */
  clockScale: z.number().min(1),
  /** Speed-up of the AWS minute (rollout windows, in-progress timeout). */
  minuteScale: z.number().min(1),
  /** The stand-in throttles its APIs at AWS's request-rate quotas. */
  throttled: z.boolean().default(true),
  /** A flat rollout of this many executions a minute; absent = the template's default rollout. */
  rolloutPerMinute: z.number().int().min(1).max(1000).optional(),
});
export type FleetSpec = z.infer<typeof fleetSpecSchema>;

/** The job's rollout, as the stand-in's jobs model keeps it. */
const rolloutSchema = z.object({
  maximumPerMinute: z.number().optional(),
  exponentialRate: z
    .object({
      baseRatePerMinute: z.number(),
      incrementFactor: z.number(),
      rateIncreaseCriteria: z.object({ numberOfNotifiedThings: z.number().optional(), numberOfSucceededThings: z.number().optional() }),
    })
    .optional(),
});
export type Rollout = z.infer<typeof rolloutSchema>;

const summarySchema = z.object({ n: z.number(), min: z.number(), max: z.number(), mean: z.number(), median: z.number(), p95: z.number() });

/** What one fleet run measured; the parent validates the child's answer against it. */
export const fleetResultSchema = z.object({
  spec: fleetSpecSchema,
  minuteMs: z.number(),
  rollout: rolloutSchema.optional(),
  inProgressTimeoutMinutes: z.number().optional(),
  setupMs: z.number(),
  /** CreateJob sent to the last execution turning terminal. */
  wallMs: z.number(),
  rotationsPerSecond: z.number(),
  /** Each execution from IN_PROGRESS to terminal. */
  executionMs: summarySchema.optional(),
  statuses: z.record(z.string(), z.number()),
  unfinished: z.number(),
  /** Cores not yet at rest (Idle) well after their executions ended; checked as they were. */
  unsettled: z.number(),
  unsettledCores: z.array(z.string()),
  bricked: z.number(),
  brickedReasons: z.array(z.string()),
  /** Cores that work, on things that do not hold exactly one ACTIVE certificate. */
  registryInconsistent: z.number(),
  registryProblems: z.array(z.string()),
  /** Things left with both certificates after a job ended past its commit, announced, for the next rotation to settle. */
  awaitingNextRotation: z.number(),
  baselineRssBytes: z.number(),
  baselineHeapUsedBytes: z.number(),
  peakRssBytes: z.number(),
  peakHeapUsedBytes: z.number(),
  memorySamples: z.number(),
  /** Calls each quota-bound operation let through during the rotation (throttled runs only). */
  apiCalls: z.record(z.string(), z.number()),
  /** Calls refused with ThrottlingException during the rotation, per operation. */
  throttledCalls: z.record(z.string(), z.number()),
  handlers: z.record(z.string(), z.object({ invocations: z.number(), failed: z.number(), ms: summarySchema.optional() })),
});
export type FleetResult = z.infer<typeof fleetResultSchema>;
