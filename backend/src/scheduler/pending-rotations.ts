import { DescribeJobCommand, GetJobDocumentCommand, ListJobExecutionsForThingCommand, ListJobsCommand } from '@aws-sdk/client-iot';
import { allPages, type SchedulerAws } from './scheduler-aws.js';

/** A rotation job that already covers a thing. */
export interface PendingRotation {
  jobId: string;
  status: string;
}

/**
 * Things targeted by this scheduler's jobs that are still IN_PROGRESS. A job's rollout notifies
 * its targets over minutes, and a target not yet reached has no job execution to find, so the
 * job's own target list is what says the thing is taken care of.
 */
export async function scheduledJobTargets(aws: SchedulerAws, jobIdPrefix: string): Promise<Map<string, PendingRotation>> {
  const jobs = await allPages(
    (nextToken) => aws.call('ListJobs', () => aws.iot.send(new ListJobsCommand({ status: 'IN_PROGRESS', maxResults: 250, nextToken }))),
    (page) => page.jobs,
  );
  const targets = new Map<string, PendingRotation>();
  for (const jobId of jobs.map((j) => j.jobId ?? '').filter((id) => id.startsWith(`${jobIdPrefix}-`))) {
    const { job } = await aws.call('DescribeJob', () => aws.iot.send(new DescribeJobCommand({ jobId })));
    for (const target of job?.targets ?? []) {
      const thingName = /:thing\/([^/]+)$/.exec(target)?.[1];
      if (thingName !== undefined) targets.set(thingName, { jobId, status: 'IN_PROGRESS' });
    }
  }
  return targets;
}

/** Whether a job carries the rotation document; asked once per job and run. */
export function rotationJobCheck(aws: SchedulerAws, jobDocument: string): (jobId: string) => Promise<boolean> {
  const known = new Map<string, Promise<boolean>>();
  return (jobId) => {
    let answer = known.get(jobId);
    if (answer === undefined) {
      answer = aws.call('GetJobDocument', () => aws.iot.send(new GetJobDocumentCommand({ jobId }))).then((r) => r.document === jobDocument);
      known.set(jobId, answer);
    }
    return answer;
  };
}

/** A rotation job execution of the thing that is QUEUED or IN_PROGRESS, whoever created the job. */
export async function pendingRotationOf(
  aws: SchedulerAws,
  thingName: string,
  isRotationJob: (jobId: string) => Promise<boolean>,
): Promise<PendingRotation | undefined> {
  for (const status of ['IN_PROGRESS', 'QUEUED'] as const) {
    const executions = await allPages(
      (nextToken) =>
        aws.call('ListJobExecutionsForThing', () =>
          aws.iot.send(new ListJobExecutionsForThingCommand({ thingName, status, maxResults: 250, nextToken })),
        ),
      (page) => page.executionSummaries,
    );
    for (const execution of executions) {
      const jobId = execution.jobId;
      if (jobId !== undefined && (await isRotationJob(jobId))) return { jobId, status };
    }
  }
  return undefined;
}
