import { commonSettingsFromEnv } from '../config/env-settings.js';
import { issuerSettingsFromEnv } from '../issuers/issuer-env.js';
import { selectIotCoreIssuer } from '../issuers/select-iot-core-issuer.js';
import { createCertificateHandlerWith } from '../rotation/create-certificate.js';
import { lazyHandler } from '../runtime/lazy.js';

/**
 * Lambda entry point of a backend that issues with AWS IoT Core (no privateCaArn): the same
 * handler as create-certificate-lambda.ts without the AWS Private CA client. JOB_DOCUMENT,
 * SHADOW_NAME; PCA_CA_ARN must be empty.
 */
export const handler = lazyHandler(() =>
  createCertificateHandlerWith(selectIotCoreIssuer, {
    ...commonSettingsFromEnv(process.env, 'create-certificate'),
    issuer: issuerSettingsFromEnv(process.env),
  }),
);
