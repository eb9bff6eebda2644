import * as z from 'zod/mini';
import '../../../shared/contract/zod-english.js';
import { parseEnv, type Env } from '../config/env-settings.js';
import { PCA_SIGNING_ALGORITHMS } from './pca-signing-algorithms.js';
import { IOT_CORE_ISSUER, type IssuerSettings } from './issuer-settings.js';

const pcaSchema = z.object({
  PCA_CA_ARN: z.string().check(z.regex(/^arn:[^:]+:acm-pca:[^:]+:\d{12}:certificate-authority\/.+$/, 'must be an AWS Private CA ARN')),
  PCA_VALIDITY_IN_DAYS: z.coerce.number().check(z.int(), z.positive()),
  PCA_SIGNING_ALGORITHM: z.enum(PCA_SIGNING_ALGORITHMS),
});

/**
 * The issuer a deployed create function uses, from the original's variables: AWS Private CA when
 * PCA_CA_ARN is set and not empty, else AWS IoT Core. Errors name the variable.
 */
export function issuerSettingsFromEnv(env: Env): IssuerSettings {
  if (env['PCA_CA_ARN'] === undefined || env['PCA_CA_ARN'] === '') return IOT_CORE_ISSUER;
  const parsed = parseEnv(pcaSchema, env, 'Private CA');
  return {
    kind: 'private-ca',
    caArn: parsed.PCA_CA_ARN,
    validityInDays: parsed.PCA_VALIDITY_IN_DAYS,
    signingAlgorithm: parsed.PCA_SIGNING_ALGORITHM,
  };
}
