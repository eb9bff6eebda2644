import { lazyHandler } from '../runtime/lazy.js';
import { createRotationSchedulerHandler } from '../scheduler/rotation-scheduler.js';
import { schedulerSettingsFromEnv } from '../scheduler/settings.js';

export { createRotationSchedulerHandler, type RotationSchedulerHandler } from '../scheduler/rotation-scheduler.js';

/**
 * Lambda entry point: THING_GROUPS, RENEW_BEFORE_DAYS, MAX_AGE_DAYS, MAX_ROTATIONS_PER_RUN,
 * THINGS_PER_JOB, JOB_TEMPLATE_ARN, JOB_DOCUMENT, JOB_ID_PREFIX, SNS_TOPIC_ARN, CALLS_PER_SECOND.
 */
export const handler = lazyHandler(() => createRotationSchedulerHandler(schedulerSettingsFromEnv(process.env)));
