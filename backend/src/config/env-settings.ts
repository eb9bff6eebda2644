import * as z from 'zod/mini';
import '../../../shared/contract/zod-english.js';
import type { ClientConfig } from '../aws/clients.js';
import { describeIssues } from '../events/issues.js';

/**
 * Reads a deployed function's settings from its environment (the variable names of the original).
 * Errors name the variable.
 */
export type Env = Record<string, string | undefined>;

export function parseEnv<S extends z.ZodMiniType>(schema: S, env: Env, label: string): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid ${label} environment: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

const commonSchema = z.object({
  AWS_REGION: z.string().check(z.minLength(1)),
  JOB_DOCUMENT: z.string().check(z.minLength(1)),
  SHADOW_NAME: z.string().check(z.minLength(1)),
});

export function clientConfigFromEnv(env: Env): ClientConfig {
  return { region: parseEnv(z.object({ AWS_REGION: z.string().check(z.minLength(1)) }), env, 'AWS').AWS_REGION };
}

export function commonSettingsFromEnv(env: Env, label: string): { clientConfig: ClientConfig; jobDocument: string; shadowName: string } {
  const parsed = parseEnv(commonSchema, env, label);
  return { clientConfig: { region: parsed.AWS_REGION }, jobDocument: parsed.JOB_DOCUMENT, shadowName: parsed.SHADOW_NAME };
}

export function snsTopicArnFromEnv(env: Env): string {
  return parseEnv(
    z.object({ SNS_TOPIC_ARN: z.string().check(z.regex(/^arn:[^:]+:sns:/, 'must be an SNS topic ARN')) }),
    env,
    'notification',
  ).SNS_TOPIC_ARN;
}
