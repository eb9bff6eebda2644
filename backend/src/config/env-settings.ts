import * as z from 'zod';
import type { ClientConfig } from '../aws/clients.js';
import { describeIssues } from '../events/issues.js';
import type { PrivateCaSettings } from '../issuers/private-ca-issuer.js';
import { PCA_SIGNING_ALGORITHMS } from '../issuers/pca-signing-algorithms.js';

/**
 * Reads a deployed function's settings from its environment (the variable names of the original).
 * Errors name the variable.
 */
type Env = Record<string, string | undefined>;

function parseEnv<S extends z.ZodType>(schema: S, env: Env, label: string): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid ${label} environment: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

const commonSchema = z.object({
  AWS_REGION: z.string().min(1),
  JOB_DOCUMENT: z.string().min(1),
  SHADOW_NAME: z.string().min(1),
});

export function clientConfigFromEnv(env: Env): ClientConfig {
  return { region: parseEnv(z.object({ AWS_REGION: z.string().min(1) }), env, 'AWS').AWS_REGION };
}

export function commonSettingsFromEnv(env: Env, label: string): { clientConfig: ClientConfig; jobDocument: string; shadowName: string } {
  const parsed = parseEnv(commonSchema, env, label);
  return { clientConfig: { region: parsed.AWS_REGION }, jobDocument: parsed.JOB_DOCUMENT, shadowName: parsed.SHADOW_NAME };
}

const pcaSchema = z.object({
  PCA_CA_ARN: z.string().regex(/^arn:[^:]+:acm-pca:[^:]+:\d{12}:certificate-authority\/.+$/, 'must be an AWS Private CA ARN'),
  PCA_VALIDITY_IN_DAYS: z.coerce.number().int().positive(),
  PCA_SIGNING_ALGORITHM: z.enum(PCA_SIGNING_ALGORITHMS),
});

/** Private CA settings, or undefined when PCA_CA_ARN is unset or empty (AWS IoT Core issues). */
export function pcaSettingsFromEnv(env: Env): PrivateCaSettings | undefined {
  if (env['PCA_CA_ARN'] === undefined || env['PCA_CA_ARN'] === '') return undefined;
  const parsed = parseEnv(pcaSchema, env, 'Private CA');
  return {
    caArn: parsed.PCA_CA_ARN,
    validityInDays: parsed.PCA_VALIDITY_IN_DAYS,
    signingAlgorithm: parsed.PCA_SIGNING_ALGORITHM,
  };
}

export function snsTopicArnFromEnv(env: Env): string {
  return parseEnv(z.object({ SNS_TOPIC_ARN: z.string().regex(/^arn:[^:]+:sns:/, 'must be an SNS topic ARN') }), env, 'notification')
    .SNS_TOPIC_ARN;
}
