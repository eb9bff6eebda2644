import { CreateJobCommand } from '@aws-sdk/client-iot';
import { describeError } from '../aws/errors.js';
import type { SchedulerAws } from './scheduler-aws.js';

export interface CreatedJob {
  jobId: string;
  thingNames: string[];
}

export interface JobBatchOutcome {
  created: CreatedJob[];
  failed: Array<{ thingNames: string[]; problem: string }>;
}

/** `20250101T000000`: the time a run started, in job ids. */
function stamp(now: number): string {
  return new Date(now).toISOString().slice(0, 19).replace(/[-:]/g, '');
}

/** `<prefix>-<time>-<suffix>`: at most 64 characters with a prefix of 36 and a suffix of 11. */
export function jobIdFor(prefix: string, now: number, suffix: string): string {
  return `${prefix}-${stamp(now)}-${suffix}`;
}

/**
 * Creates rotation jobs from the template, `thingsPerJob` things each, one after another. A batch
 * that cannot be created is reported and the rest still go ahead.
 */
export async function createRotationJobs(
  aws: SchedulerAws,
  thingNames: readonly string[],
  options: { jobTemplateArn: string; thingsPerJob: number; jobId: (batch: number) => string; description: string },
): Promise<JobBatchOutcome> {
  // The template's ARN carries the partition, region and account the things live in.
  const base = options.jobTemplateArn.slice(0, options.jobTemplateArn.indexOf(':jobtemplate/'));
  const outcome: JobBatchOutcome = { created: [], failed: [] };
  for (let start = 0, batch = 1; start < thingNames.length; start += options.thingsPerJob, batch += 1) {
    const things = thingNames.slice(start, start + options.thingsPerJob);
    const jobId = options.jobId(batch);
    try {
      await aws.call('CreateJob', () =>
        aws.iot.send(
          new CreateJobCommand({
            jobId,
            jobTemplateArn: options.jobTemplateArn,
            targets: things.map((name) => `${base}:thing/${name}`),
            targetSelection: 'SNAPSHOT',
            description: options.description,
          }),
        ),
      );
      outcome.created.push({ jobId, thingNames: [...things] });
    } catch (error) {
      aws.invocation.logger.error('Creating a rotation job failed', { jobId, error });
      outcome.failed.push({ thingNames: [...things], problem: `CreateJob failed: ${describeError(error)}` });
    }
  }
  return outcome;
}
