import type { Clock } from '../clock.js';
import { applyDeviceUpdate, type ExecutionUpdate } from './executions.js';
import type { ExecutionLifecycle } from './lifecycle.js';
import type { JobState } from './state.js';
import { type Job, type JobExecution, JobsError, type StatusDetails } from './types.js';

export interface ExecutionWithJob {
  execution: JobExecution;
  job: Job;
}

/**
 * The device's side of AWS IoT Jobs (the `iot-jobs-data` service and the `$aws/things/<thing>/jobs`
 * MQTT API share it). Errors are JobsError, carrying both the HTTP and the MQTT code.
 */
export class DeviceJobs {
  constructor(
    private readonly clock: Clock,
    private readonly state: JobState,
    private readonly lifecycle: ExecutionLifecycle,
  ) {}

  /** Pending executions of jobs in `namespaceId` (undefined: jobs in no namespace). */
  getPendingJobExecutions(thingName: string, namespaceId?: string): { inProgressJobs: JobExecution[]; queuedJobs: JobExecution[] } {
    const { inProgress, queued } = this.state.pendingOfThing(thingName, namespaceId);
    return { inProgressJobs: inProgress.map((e) => structuredClone(e)), queuedJobs: queued.map((e) => structuredClone(e)) };
  }

  /**
   * DescribeJobExecution; `$next` gives the next pending one of the namespace's jobs, or undefined
   * when none is pending.
   */
  describeJobExecution(thingName: string, jobId: string, executionNumber?: number, namespaceId?: string): ExecutionWithJob | undefined {
    if (jobId === '$next') {
      const next = this.state.nextOfThing(thingName, namespaceId);
      return next ? this.withJob(next) : undefined;
    }
    const execution = this.find(thingName, jobId);
    if (executionNumber !== undefined && executionNumber !== execution.executionNumber) {
      throw new JobsError('ResourceNotFoundException', 'Job execution number not found', 'ResourceNotFound');
    }
    return this.withJob(execution);
  }

  updateJobExecution(thingName: string, jobId: string, update: ExecutionUpdate): ExecutionWithJob {
    const current = this.find(thingName, jobId);
    const job = this.state.job(jobId);
    const next = applyDeviceUpdate(current, update, this.clock.now());
    if (next.status === 'IN_PROGRESS') {
      const minutes =
        update.stepTimeoutInMinutes ?? (current.status === 'QUEUED' ? job.timeoutConfig?.inProgressTimeoutInMinutes : undefined);
      const at = this.lifecycle.timeoutAt(minutes);
      if (at !== undefined) next.timesOutAt = at;
    }
    this.lifecycle.commit(next, current);
    return this.withJob(next);
  }

  /** StartNextPendingJobExecution: the next pending execution, moved to IN_PROGRESS if queued. */
  startNextPendingJobExecution(
    thingName: string,
    options: { statusDetails?: StatusDetails; stepTimeoutInMinutes?: number } = {},
  ): ExecutionWithJob | undefined {
    const next = this.state.nextOfThing(thingName);
    if (!next) return undefined;
    if (next.status === 'IN_PROGRESS') return this.withJob(next);
    return this.updateJobExecution(thingName, next.jobId, { status: 'IN_PROGRESS', ...options });
  }

  private find(thingName: string, jobId: string): JobExecution {
    const execution = this.state.jobs.has(jobId) ? this.state.execution(jobId, thingName) : undefined;
    if (!execution) {
      throw new JobsError('ResourceNotFoundException', `Job execution ${jobId} for ${thingName} not found`, 'ResourceNotFound');
    }
    return execution;
  }

  private withJob(execution: JobExecution): ExecutionWithJob {
    return { execution: structuredClone(execution), job: structuredClone(this.state.job(execution.jobId)) };
  }
}
