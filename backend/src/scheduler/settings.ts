import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod/mini';
import '../../../shared/contract/zod-english.js';
import type { ClientConfig } from '../aws/clients.js';
import type { IoTClient } from '@aws-sdk/client-iot';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { RotationMetrics } from '../metrics/rotation-metrics.js';
import { describeIssues } from '../events/issues.js';

/** When a certificate is due. At least one of the two is set. */
export interface RotationPolicy {
  /** Due when fewer than this many days of validity remain. */
  renewBeforeDays?: number;
  /** Due when the certificate is older than this many days. */
  maxAgeDays?: number;
}

/** What the rotation scheduler needs; nothing is read from the environment here. */
export interface SchedulerSettings {
  clientConfig: ClientConfig;
  /**
   * Clients to call AWS with, for a caller that runs the scheduler in its own process with
   * credentials of its own; by default they are made from `clientConfig` with the function's.
   */
  clients?: { iot: IoTClient; sns: SNSClient };
  /** Thing groups whose members are watched. */
  thingGroups: string[];
  policy: RotationPolicy;
  /** Most things one run (or one finding) puts into rotation jobs. */
  maxRotationsPerRun: number;
  /** Most targets of one job (AWS IoT allows 100). */
  thingsPerJob: number;
  /** The rotation job template (`AWSLabsCertificateRotator`). */
  jobTemplateArn: string;
  /** The rotation job document, to recognise rotation jobs created by anyone. */
  jobDocument: string;
  /** Jobs this scheduler creates are named `<prefix>-<time>-<n>`. */
  jobIdPrefix: string;
  /** Where each run reports what it started and what it skipped. */
  snsTopicArn: string;
  /** Most starts of one AWS operation per second. */
  callsPerSecond: number;
  logger?: Logger;
  /** Where its metrics go (default: EMF lines on stdout through Powertools Metrics). */
  metrics?: RotationMetrics;
  /** The calendar: certificate ages, days left and job names (default: the system clock). */
  now?: () => number;
  timing?: Partial<SchedulerTiming>;
}

export interface SchedulerTiming {
  /** Budget when called without a Lambda context: the deployed timeout. */
  defaultBudgetMs: number;
  /** Kept free at the end of the budget to create the jobs found so far and notify. */
  reserveMs: number;
  /** Things looked at side by side (each call is still paced per operation). */
  concurrency: number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the order things are looked at in, and retry jitter. */
  random: () => number;
}

const NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const days = z.number().check(z.int(), z.gte(1), z.lte(36_500));

const settingsSchema = z
  .object({
    clientConfig: z.object({ region: z.string().check(z.minLength(1)) }),
    thingGroups: z.array(z.string().check(z.regex(NAME, 'must be thing group names'))).check(z.minLength(1), z.maxLength(10)),
    policy: z.object({ renewBeforeDays: z.optional(days), maxAgeDays: z.optional(days) }),
    maxRotationsPerRun: z.number().check(z.int(), z.gte(1), z.lte(1000)),
    thingsPerJob: z.number().check(z.int(), z.gte(1), z.lte(100)),
    jobTemplateArn: z.string().check(z.regex(/^arn:[^:]+:iot:[^:]+:\d{12}:jobtemplate\/.+$/, 'must be a job template ARN')),
    jobDocument: z.string().check(z.minLength(1)),
    jobIdPrefix: z.string().check(z.regex(/^[a-zA-Z0-9_-]{1,36}$/, 'must be 1-36 letters, digits, - or _')),
    snsTopicArn: z.string().check(z.regex(/^arn:[^:]+:sns:/, 'must be an SNS topic ARN')),
    callsPerSecond: z.number().check(z.positive(), z.lte(100)),
  })
  .check(
    z.refine((s) => s.policy.renewBeforeDays !== undefined || s.policy.maxAgeDays !== undefined, {
      message: 'give renewBeforeDays, maxAgeDays or both',
      path: ['policy'],
    }),
  );

/** Checks the settings; throws an error naming the bad field. */
export function checkSchedulerSettings(settings: SchedulerSettings): void {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) throw new Error(`Invalid rotation-scheduler settings: ${describeIssues(parsed.error)}`);
}

type Env = Record<string, string | undefined>;

const optionalDays = z.pipe(
  z.optional(z.string()),
  z.transform((v: string | undefined, ctx) => {
    if (v === undefined || v.trim() === '') return undefined;
    if (!/^\d+$/.test(v.trim())) {
      ctx.issues.push({ code: 'custom', message: 'must be a whole number of days or empty', input: v });
      return z.NEVER;
    }
    return Number(v);
  }),
);

const envSchema = z.object({
  AWS_REGION: z.string().check(z.minLength(1)),
  THING_GROUPS: z.pipe(
    z.string(),
    z.transform((v: string) =>
      v
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== ''),
    ),
  ),
  RENEW_BEFORE_DAYS: optionalDays,
  MAX_AGE_DAYS: optionalDays,
  MAX_ROTATIONS_PER_RUN: z.coerce.number().check(z.int()),
  THINGS_PER_JOB: z.coerce.number().check(z.int()),
  JOB_TEMPLATE_ARN: z.string().check(z.minLength(1)),
  JOB_DOCUMENT: z.string().check(z.minLength(1)),
  JOB_ID_PREFIX: z.string().check(z.minLength(1)),
  SNS_TOPIC_ARN: z.string().check(z.minLength(1)),
  CALLS_PER_SECOND: z.coerce.number(),
});

/** The deployed function's settings, from its environment; errors name the variable. */
export function schedulerSettingsFromEnv(env: Env): SchedulerSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid rotation-scheduler environment: ${describeIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    clientConfig: { region: e.AWS_REGION },
    thingGroups: e.THING_GROUPS,
    policy: {
      ...(e.RENEW_BEFORE_DAYS === undefined ? {} : { renewBeforeDays: e.RENEW_BEFORE_DAYS }),
      ...(e.MAX_AGE_DAYS === undefined ? {} : { maxAgeDays: e.MAX_AGE_DAYS }),
    },
    maxRotationsPerRun: e.MAX_ROTATIONS_PER_RUN,
    thingsPerJob: e.THINGS_PER_JOB,
    jobTemplateArn: e.JOB_TEMPLATE_ARN,
    jobDocument: e.JOB_DOCUMENT,
    jobIdPrefix: e.JOB_ID_PREFIX,
    snsTopicArn: e.SNS_TOPIC_ARN,
    callsPerSecond: e.CALLS_PER_SECOND,
  };
}
