import type { AccountContext } from '../arn.js';
import { thingArn } from '../arn.js';
import type { Clock, Timer, TimeScale } from '../clock.js';
import type { EventConfigurations } from '../event-configurations.js';
import { Listeners } from '../listeners.js';
import type { MessageBus } from '../message-bus.js';
import { RolloutRate } from './rollout.js';
import type { JobState } from './state.js';
import { isTerminal, type JobExecution } from './types.js';
import { jobsTopicPrefix, notifyNextTopic } from '../../../../shared/contract/index.js';
import { executionSummaryView, jobExecutionEvent, notifyNextExecutionView } from './views.js';

/** A jobs topic in a job namespace: `.../notify` becomes `.../notify-namespace-<id>`. */
export const namespaced = (topic: string, namespaceId: string | undefined): string =>
  namespaceId === undefined ? topic : `${topic}-namespace-${namespaceId}`;

export interface ExecutionChange {
  previous?: JobExecution;
  execution: JobExecution;
}

/**
 * Everything that follows a change of an execution: in-progress timers, notify-next, JOB_EXECUTION
 * events, job completion, and the rollout that releases executions minute by minute.
 */
export class ExecutionLifecycle {
  private readonly timers = new Map<string, Timer>();
  private readonly rollouts = new Map<string, Timer>();
  /** thing -> job id of the last notify-next (null: "none left" was the last word) */
  private readonly lastNext = new Map<string, string | null>();
  readonly changes: Listeners<ExecutionChange>;

  constructor(
    private readonly ctx: AccountContext,
    private readonly state: JobState,
    private readonly clock: Clock,
    private readonly timeScale: TimeScale,
    private readonly bus: MessageBus,
    private readonly events: EventConfigurations,
    onListenerError?: (error: unknown) => void,
  ) {
    this.changes = new Listeners(onListenerError);
  }

  /** Stores `execution` and runs what follows from the change. */
  commit(execution: JobExecution, previous: JobExecution | undefined): void {
    const key = `${execution.jobId}/${execution.thingName}`;
    let byThing = this.state.executions.get(execution.jobId);
    if (!byThing) this.state.executions.set(execution.jobId, (byThing = new Map()));
    byThing.set(execution.thingName, execution);
    if (isTerminal(execution.status) || execution.timesOutAt !== previous?.timesOutAt) {
      this.timers.get(key)?.cancel();
      this.timers.delete(key);
    }
    if (!isTerminal(execution.status) && execution.timesOutAt !== undefined && !this.timers.has(key)) {
      this.timers.set(
        key,
        this.clock.setTimer(execution.timesOutAt - this.clock.now(), () => this.timeOut(execution.jobId, execution.thingName)),
      );
    }
    this.changes.emit({ ...(previous ? { previous } : {}), execution });
    if (isTerminal(execution.status) && !(previous && isTerminal(previous.status))) {
      if (this.events.isEnabled('JOB_EXECUTION')) {
        const event = jobExecutionEvent(execution, this.clock.now());
        this.bus.publish(event.topic, event.payload);
      }
      this.completeIfDone(execution.jobId);
    }
    const namespaceId = this.state.jobs.get(execution.jobId)?.namespaceId;
    this.refreshNext(execution.thingName, namespaceId);
    if (execution.status !== previous?.status) this.notifyList(execution.thingName, namespaceId);
  }

  /** The in-progress timer's expiry in model time, for an execution going IN_PROGRESS. */
  timeoutAt(minutes: number | undefined): number | undefined {
    return minutes === undefined ? undefined : this.clock.now() + minutes * this.timeScale.minuteMs;
  }

  /**
   * Publishes notify-next when the thing's next pending execution is another one than last told.
   * Each job namespace has its own queue and topic (`notify-next-namespace-<id>`).
   */
  refreshNext(thingName: string, namespaceId?: string): void {
    const next = this.state.nextOfThing(thingName, namespaceId);
    const key = namespaceId === undefined ? thingName : `${thingName}\u0000${namespaceId}`;
    const previous = this.lastNext.get(key);
    const nextId = next?.jobId ?? null;
    if (previous === nextId || (previous === undefined && nextId === null)) return;
    this.lastNext.set(key, nextId);
    const timestamp = Math.floor(this.clock.now() / 1000);
    const payload = next ? { timestamp, execution: notifyNextExecutionView(next, this.state.job(next.jobId)) } : { timestamp };
    this.bus.publish(namespaced(notifyNextTopic(thingName), namespaceId), payload, 1);
  }

  /** The ListNotification (`notify`): the thing's pending executions whenever one changes status. */
  private notifyList(thingName: string, namespaceId: string | undefined): void {
    const { inProgress, queued } = this.state.pendingOfThing(thingName, namespaceId);
    const jobs = {
      ...(inProgress.length > 0 ? { IN_PROGRESS: inProgress.map(executionSummaryView) } : {}),
      ...(queued.length > 0 ? { QUEUED: queued.map(executionSummaryView) } : {}),
    };
    const payload = { timestamp: Math.floor(this.clock.now() / 1000), jobs };
    this.bus.publish(namespaced(`${jobsTopicPrefix(thingName)}/notify`, namespaceId), payload, 1);
  }

  /** Releases the job's executions window by window at the rollout rate. */
  startRollout(jobId: string): void {
    const job = this.state.job(jobId);
    const rate = new RolloutRate(job.jobExecutionsRolloutConfig);
    const window = (): void => {
      this.rollouts.delete(jobId);
      const waiting = this.state.undispatched.get(jobId) ?? [];
      const details = this.state.processDetails(jobId);
      const allowance = rate.windowAllowance({
        notified: this.state.executionsOfJob(jobId).length,
        succeeded: details.numberOfSucceededThings,
      });
      for (const thingName of waiting.splice(0, allowance)) this.dispatch(jobId, thingName);
      if (waiting.length > 0) this.rollouts.set(jobId, this.clock.setTimer(this.timeScale.minuteMs, window));
      else this.completeIfDone(jobId);
    };
    window();
  }

  stopRollout(jobId: string): void {
    this.rollouts.get(jobId)?.cancel();
    this.rollouts.delete(jobId);
    this.state.undispatched.delete(jobId);
  }

  /** Forgets a deleted job's executions and tells its things their next execution. */
  forget(jobId: string, namespaceId?: string): void {
    this.stopRollout(jobId);
    const things = this.state.executionsOfJob(jobId).map((e) => e.thingName);
    for (const thingName of things) {
      this.timers.get(`${jobId}/${thingName}`)?.cancel();
      this.timers.delete(`${jobId}/${thingName}`);
    }
    this.state.executions.delete(jobId);
    for (const thingName of things) this.refreshNext(thingName, namespaceId);
  }

  close(): void {
    for (const timer of [...this.timers.values(), ...this.rollouts.values()]) timer.cancel();
    this.timers.clear();
    this.rollouts.clear();
  }

  private dispatch(jobId: string, thingName: string): void {
    const now = this.clock.now();
    this.commit(
      {
        jobId,
        thingName,
        thingArn: thingArn(this.ctx, thingName),
        status: 'QUEUED',
        statusDetails: {},
        queuedAt: now,
        lastUpdatedAt: now,
        versionNumber: 1,
        executionNumber: 1,
      },
      undefined,
    );
  }

  private timeOut(jobId: string, thingName: string): void {
    this.timers.delete(`${jobId}/${thingName}`);
    const execution = this.state.execution(jobId, thingName);
    if (!execution || execution.status !== 'IN_PROGRESS') return;
    const { timesOutAt: _expired, ...rest } = execution;
    this.commit({ ...rest, status: 'TIMED_OUT', lastUpdatedAt: this.clock.now(), versionNumber: execution.versionNumber + 1 }, execution);
  }

  private completeIfDone(jobId: string): void {
    const job = this.state.jobs.get(jobId);
    // A continuous job stays open for things that join its groups later.
    if (!job || job.status !== 'IN_PROGRESS' || job.targetSelection === 'CONTINUOUS') return;
    if ((this.state.undispatched.get(jobId)?.length ?? 0) > 0) return;
    if (this.state.executionsOfJob(jobId).some((e) => !isTerminal(e.status))) return;
    const now = this.clock.now();
    job.status = 'COMPLETED';
    job.completedAt = now;
    job.lastUpdatedAt = now;
  }
}
