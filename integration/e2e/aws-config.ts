import { z } from 'zod';

/** Where the end-to-end suites find a real account: the test thing group and, optionally, a Private CA. */
export interface AwsTargetConfig {
  configured: true;
  region: string;
  thingGroupName: string;
  /** Id (not ARN) of the AWS Private CA to issue with; the ARN is built from region and account. */
  pcaCaId?: string;
  jobTimeoutMinutes: number;
}

export interface AwsTargetNotConfigured {
  configured: false;
  /** The environment variables to set, by name. */
  missing: string[];
}

export const REGION_VARIABLE = 'AWS_REGION';
export const THING_GROUP_VARIABLE = 'THING_GROUP_NAME';
export const DEFAULT_JOB_TIMEOUT_MINUTES = 15;
/** Set to 1 where the AWS target must run (the pipeline): then "not configured" is a failure. */
export const REQUIRE_VARIABLE = 'REQUIRE_AWS_TARGET';

const present = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());

const settingsSchema = z.object({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1'),
  thingGroupName: z.string().regex(/^[a-zA-Z0-9:_-]{1,128}$/, 'must be a thing group name (letters, digits, ":", "_", "-"; at most 128)'),
  pcaCaId: z
    .string()
    .regex(/^[a-zA-Z0-9-]{1,128}$/, 'must be the id of a Private CA (the last part of its ARN)')
    .optional(),
  jobTimeoutMinutes: z.coerce.number().positive('must be a positive number of minutes').default(DEFAULT_JOB_TIMEOUT_MINUTES),
});

/** The environment variable each setting comes from, to name it when its value is bad. */
const VARIABLE_OF: Record<string, string> = {
  region: REGION_VARIABLE,
  thingGroupName: THING_GROUP_VARIABLE,
  pcaCaId: 'PCA_CA_ID',
  jobTimeoutMinutes: 'JOB_TIMEOUT_MINUTES',
};

/**
 * Reads the real-AWS target's settings from the environment. Missing required variables make it
 * "not configured" (naming each); a variable that is set but malformed is an error naming it, so a
 * misconfigured pipeline fails loudly instead of silently skipping.
 */
export function readAwsTargetConfig(env: NodeJS.ProcessEnv = process.env): AwsTargetConfig | AwsTargetNotConfigured {
  const region = present(env['AWS_REGION']) ?? present(env['AWS_DEFAULT_REGION']);
  const thingGroupName = present(env[THING_GROUP_VARIABLE]);
  const missing = [...(thingGroupName ? [] : [THING_GROUP_VARIABLE]), ...(region ? [] : [REGION_VARIABLE])];
  if (missing.length > 0) return { configured: false, missing };
  const parsed = settingsSchema.safeParse({
    region,
    thingGroupName,
    pcaCaId: present(env['PCA_CA_ID']),
    jobTimeoutMinutes: present(env['JOB_TIMEOUT_MINUTES']),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? '');
      return `${VARIABLE_OF[field] ?? field} ${issue.message}`;
    });
    throw new Error(`AWS target misconfigured: ${problems.join('; ')}`);
  }
  const { pcaCaId, ...rest } = parsed.data;
  return { configured: true, ...rest, ...(pcaCaId ? { pcaCaId } : {}) };
}

/** The line that says why the AWS target does not run. */
export function notConfiguredMessage(result: AwsTargetNotConfigured): string {
  return `AWS target not configured: set ${result.missing.join(', ')} (AWS_DEFAULT_REGION also gives the region; PCA_CA_ID and JOB_TIMEOUT_MINUTES are optional)`;
}
