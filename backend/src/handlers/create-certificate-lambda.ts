import { commonSettingsFromEnv } from '../config/env-settings.js';
import { issuerSettingsFromEnv } from '../issuers/issuer-env.js';
import { createCreateCertificateHandler } from '../rotation/create-certificate-handler.js';
import { lazyHandler } from '../runtime/lazy.js';

export { createCreateCertificateHandler, type CreateCertificateSettings } from '../rotation/create-certificate-handler.js';

/** Lambda entry point: JOB_DOCUMENT, SHADOW_NAME, PCA_CA_ARN (empty = AWS IoT), PCA_VALIDITY_IN_DAYS, PCA_SIGNING_ALGORITHM. */
export const handler = lazyHandler(() =>
  createCreateCertificateHandler({
    ...commonSettingsFromEnv(process.env, 'create-certificate'),
    issuer: issuerSettingsFromEnv(process.env),
  }),
);
