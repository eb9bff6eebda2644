import { commonSettingsFromEnv } from '../config/env-settings.js';
import { createCommitCertificateHandler } from '../rotation/commit-certificate.js';
import { lazyHandler } from '../runtime/lazy.js';

export { createCommitCertificateHandler, type CommitCertificateSettings } from '../rotation/commit-certificate.js';

/** Lambda entry point: JOB_DOCUMENT, SHADOW_NAME. */
export const handler = lazyHandler(() => createCommitCertificateHandler(commonSettingsFromEnv(process.env, 'commit-certificate')));
