import { notFound } from '../errors.js';
import { isTerminal, type Job, type JobExecution, type JobProcessDetails } from './types.js';

/** The jobs' data, shared by the control plane, the device API and the lifecycle. */
export class JobState {
  readonly jobs = new Map<string, Job>();
  /** jobId -> thingName -> execution (dispatched ones only) */
  readonly executions = new Map<string, Map<string, JobExecution>>();
  /** jobId -> thing names still waiting for the rollout to release them */
  readonly undispatched = new Map<string, string[]>();

  job(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw notFound(`Job ${jobId} cannot be found.`);
    return job;
  }

  execution(jobId: string, thingName: string): JobExecution | undefined {
    return this.executions.get(jobId)?.get(thingName);
  }

  executionsOfJob(jobId: string): JobExecution[] {
    return [...(this.executions.get(jobId)?.values() ?? [])];
  }

  executionsOfThing(thingName: string): JobExecution[] {
    const out: JobExecution[] = [];
    for (const byThing of this.executions.values()) {
      const execution = byThing.get(thingName);
      if (execution) out.push(execution);
    }
    return out;
  }

  /**
   * In-progress first, then queued; each oldest first (AWS IoT's `$next`). Only the executions of
   * jobs in `namespaceId` (undefined: jobs in no namespace), as the namespace's topics see them.
   */
  pendingOfThing(thingName: string, namespaceId?: string): { inProgress: JobExecution[]; queued: JobExecution[] } {
    const pending = this.executionsOfThing(thingName).filter(
      (e) => !isTerminal(e.status) && this.jobs.get(e.jobId)?.namespaceId === namespaceId,
    );
    const byAge = (a: JobExecution, b: JobExecution): number => a.queuedAt - b.queuedAt;
    return {
      inProgress: pending.filter((e) => e.status === 'IN_PROGRESS').sort(byAge),
      queued: pending.filter((e) => e.status === 'QUEUED').sort(byAge),
    };
  }

  nextOfThing(thingName: string, namespaceId?: string): JobExecution | undefined {
    const { inProgress, queued } = this.pendingOfThing(thingName, namespaceId);
    return inProgress[0] ?? queued[0];
  }

  processDetails(jobId: string): JobProcessDetails {
    const count = (status: string): number => this.executionsOfJob(jobId).filter((e) => e.status === status).length;
    return {
      numberOfCanceledThings: count('CANCELED'),
      numberOfSucceededThings: count('SUCCEEDED'),
      numberOfFailedThings: count('FAILED'),
      numberOfRejectedThings: count('REJECTED'),
      numberOfQueuedThings: count('QUEUED'),
      numberOfInProgressThings: count('IN_PROGRESS'),
      numberOfRemovedThings: count('REMOVED'),
      numberOfTimedOutThings: count('TIMED_OUT'),
    };
  }
}
