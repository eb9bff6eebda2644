import { Duration } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import * as z from 'zod';

/**
 * The opt-in rotation scheduler: which cores to watch, when a certificate is due, how often to
 * look, and how much one run may start. Every default suits a daily look at a fleet of up to a
 * few thousand cores.
 */
export interface RotationScheduleProps {
  /**
   * Thing groups whose members (including members of their child groups) are watched. 1-10 names.
   * Only things in these groups are ever rotated, Device Defender findings included.
   */
  readonly thingGroups: readonly string[];
  /**
   * Rotate when fewer than this many days of validity remain. 0 turns the rule off. With AWS
   * Private CA it must be less than `pcaValidityInDays`, or every new certificate would be due.
   * @default 30, or a third of `pcaValidityInDays` (at least 1) when Private CA issues
   * certificates valid for less than 90 days
   */
  readonly renewBeforeDays?: number;
  /**
   * Rotate when the certificate is older than this many days (AWS IoT Core's certificates are
   * valid until 2049, so for them this is the rule that rotates).
   * @default - no age limit
   */
  readonly maxAgeDays?: number;
  /**
   * How often to look, as an EventBridge schedule; at most hourly, since each run reads every
   * watched thing.
   * @default Schedule.rate(Duration.days(1))
   */
  readonly frequency?: Schedule;
  /**
   * Most things one run (or one Device Defender finding) puts into rotation jobs; the most urgent
   * go first, the rest wait for the next run (1-1000).
   * @default 100
   */
  readonly maxRotationsPerRun?: number;
  /**
   * Things per rotation job (1-100; AWS IoT takes at most 100 targets in a job). A run creates at
   * most 100 jobs.
   * @default 100
   */
  readonly thingsPerJob?: number;
  /**
   * Most starts of each AWS IoT API operation per second. AWS IoT's control-plane operations are
   * throttled at about 10 a second each, shared with the rotation functions (0.1-50).
   * @default 5
   */
  readonly callsPerSecond?: number;
  /**
   * Also rotate on AWS IoT Device Defender's DEVICE_CERTIFICATE_EXPIRING_CHECK and
   * DEVICE_CERTIFICATE_AGE_CHECK audit findings: a mitigation action that publishes findings to
   * an SNS topic the scheduler subscribes to.
   * @default false
   */
  readonly deviceDefender?: boolean;
}

/** Schedule props with every default applied and every value checked. */
export interface ResolvedRotationSchedule {
  readonly thingGroups: readonly string[];
  /** Undefined: the expiry rule is off. */
  readonly renewBeforeDays: number | undefined;
  readonly maxAgeDays: number | undefined;
  readonly frequency: Schedule;
  readonly maxRotationsPerRun: number;
  readonly thingsPerJob: number;
  readonly callsPerSecond: number;
  readonly deviceDefender: boolean;
}

const NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const MAX_JOBS_PER_RUN = 100;

const scheduleSchema = z.object({
  thingGroups: z
    .array(z.string().regex(NAME, 'must be thing group names (letters, digits, ":", "_" or "-")'))
    .min(1, 'must name at least one thing group')
    .max(10, 'must name at most 10 thing groups')
    .refine((groups) => new Set(groups).size === groups.length, 'names a thing group twice'),
  renewBeforeDays: z.number().int().min(0).max(36_500).optional(),
  maxAgeDays: z.number().int().min(1).max(36_500).optional(),
  frequency: z
    .custom<Schedule>((v) => v instanceof Schedule, 'must be an EventBridge Schedule (Schedule.rate or Schedule.cron)')
    .optional(),
  maxRotationsPerRun: z.number().int().min(1).max(1000).default(100),
  thingsPerJob: z.number().int().min(1).max(100).default(100),
  callsPerSecond: z.number().min(0.1).max(50).default(5),
  deviceDefender: z.boolean().default(false),
});

/** `rate(N unit)` in minutes; undefined for cron expressions and tokens. */
function rateMinutes(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (match === null) return undefined;
  const unit = match[2]?.startsWith('minute') ? 1 : match[2]?.startsWith('hour') ? 60 : 1440;
  return Number(match[1]) * unit;
}

/**
 * Applies the defaults and checks every value, with the Private CA validity the backend issues.
 * @throws Error naming the prop, e.g. `schedule.renewBeforeDays: ...`
 */
export function resolveRotationSchedule(props: RotationScheduleProps, pcaValidityInDays: number | undefined): ResolvedRotationSchedule {
  const fail = (detail: string): never => {
    throw new Error(`CertificateRotatorBackend: invalid props: schedule.${detail}`);
  };
  const parsed = scheduleSchema.safeParse(props);
  if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; schedule.'));
  const p = parsed.data as z.output<typeof scheduleSchema>;
  const defaultRenew = pcaValidityInDays !== undefined && pcaValidityInDays < 90 ? Math.max(1, Math.floor(pcaValidityInDays / 3)) : 30;
  const renewBeforeDays = p.renewBeforeDays ?? defaultRenew;
  if (renewBeforeDays === 0 && p.maxAgeDays === undefined) fail('renewBeforeDays: 0 turns the expiry rule off, so maxAgeDays is needed');
  if (pcaValidityInDays !== undefined && renewBeforeDays >= pcaValidityInDays) {
    fail(`renewBeforeDays: must be less than pcaValidityInDays (${pcaValidityInDays}), or every new certificate would be due at once`);
  }
  const frequency = p.frequency ?? Schedule.rate(Duration.days(1));
  const minutes = rateMinutes(frequency.expressionString);
  if (minutes !== undefined && minutes < 60)
    fail(`frequency: ${frequency.expressionString} is more often than hourly; each run reads every watched thing`);
  if (Math.ceil(p.maxRotationsPerRun / p.thingsPerJob) > MAX_JOBS_PER_RUN) {
    fail(`thingsPerJob: ${p.maxRotationsPerRun} rotations in jobs of ${p.thingsPerJob} would be more than ${MAX_JOBS_PER_RUN} jobs a run`);
  }
  return {
    thingGroups: [...p.thingGroups],
    renewBeforeDays: renewBeforeDays === 0 ? undefined : renewBeforeDays,
    maxAgeDays: p.maxAgeDays,
    frequency,
    maxRotationsPerRun: p.maxRotationsPerRun,
    thingsPerJob: p.thingsPerJob,
    callsPerSecond: p.callsPerSecond,
    deviceDefender: p.deviceDefender,
  };
}
