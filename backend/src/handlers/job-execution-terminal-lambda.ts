import { commonSettingsFromEnv, snsTopicArnFromEnv } from '../config/env-settings.js';
import { createJobExecutionTerminalHandler } from '../rotation/job-execution-terminal.js';
import { lazyHandler } from '../runtime/lazy.js';

export { createJobExecutionTerminalHandler, type JobExecutionTerminalSettings } from '../rotation/job-execution-terminal.js';

/** Lambda entry point: JOB_DOCUMENT, SHADOW_NAME, SNS_TOPIC_ARN. */
export const handler = lazyHandler(() =>
  createJobExecutionTerminalHandler({
    ...commonSettingsFromEnv(process.env, 'job-execution-terminal'),
    snsTopicArn: snsTopicArnFromEnv(process.env),
  }),
);
