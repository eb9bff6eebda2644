import type { Logger } from '../../../../shared/logging/logger.js';
import type { IotMqtt } from '../../../../component/src/transport/iot-mqtt.js';

/** The job namespace of Greengrass deployments, as the nucleus's IotJobsClientWrapper names it. */
const NAMESPACE = 'namespace-aws-gg-deployment';

/** A deployment job as the nucleus takes it from `$next`: its id and its document (the deployment configuration). */
export interface DeploymentJob {
  jobId: string;
  document: unknown;
}

export type JobOutcome = { status: 'SUCCEEDED' | 'FAILED'; statusDetails: Record<string, string> };

/** Status detail values are limited to 1024 characters by AWS IoT; the nucleus truncates them. */
const DETAIL_MAX = 1024;

/**
 * The nucleus's IotJobsHelper: listens for deployment jobs in the Greengrass namespace
 * (`notify-namespace-aws-gg-deployment`), asks for `$next` on start and whenever a job is queued,
 * marks the job IN_PROGRESS, hands it to the deployment service one at a time, and reports the
 * outcome as the job execution's status with the nucleus's status details.
 */
export class IotJobsDeployments {
  private busy = false;
  private again = false;
  private readonly seen = new Set<string>();

  constructor(
    private readonly mqtt: IotMqtt,
    private readonly thingName: string,
    private readonly deploy: (job: DeploymentJob) => Promise<JobOutcome>,
    private readonly logger: Logger,
  ) {}

  private topic(jobId: string, verb: string): string {
    return `$aws/things/${this.thingName}/jobs/${jobId}/${NAMESPACE}/${verb}`;
  }

  async start(): Promise<void> {
    await this.mqtt.subscribe(`${this.topic('$next', 'get')}/accepted`, 1, (m) => {
      const execution = this.parse<{ execution?: { jobId: string; jobDocument: unknown } }>(m.payload)?.execution;
      if (execution) void this.onNext(execution);
    });
    await this.mqtt.subscribe(`$aws/things/${this.thingName}/jobs/notify-${NAMESPACE}`, 1, (m) => {
      const jobs = this.parse<{ jobs?: Record<string, unknown> }>(m.payload)?.jobs ?? {};
      if ('QUEUED' in jobs) this.requestNext();
    });
    this.requestNext();
  }

  private parse<T>(payload: Buffer): T | undefined {
    try {
      return JSON.parse(payload.toString('utf8')) as T;
    } catch {
      this.logger.warn('Ignoring a jobs message that is not JSON', { bytes: payload.length });
      return undefined;
    }
  }

  /** `$next` in the deployment namespace: the device's oldest in-progress or queued deployment. */
  private requestNext(): void {
    this.mqtt.publish(this.topic('$next', 'get'), JSON.stringify({ includeJobDocument: true }), 1).catch((error: Error) => {
      this.logger.warn('Cannot ask for the next deployment', { reason: error.message });
    });
  }

  private async onNext(execution: { jobId: string; jobDocument: unknown }): Promise<void> {
    if (this.seen.has(execution.jobId)) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.seen.add(execution.jobId);
    try {
      this.logger.info('Received deployment job', { jobId: execution.jobId });
      try {
        await this.update(execution.jobId, 'IN_PROGRESS', {});
      } catch (error) {
        // Offline: the job stays pending in the cloud and comes back with the next $next.
        this.seen.delete(execution.jobId);
        this.logger.warn('Cannot start the deployment job', { jobId: execution.jobId, reason: (error as Error).message });
        return;
      }
      const outcome = await this.deploy({ jobId: execution.jobId, document: execution.jobDocument });
      await this.update(execution.jobId, outcome.status, outcome.statusDetails);
    } catch (error) {
      this.logger.error('Deployment job failed unexpectedly', { jobId: execution.jobId, reason: (error as Error).message });
      await this.update(execution.jobId, 'FAILED', { 'deployment-failure-cause': (error as Error).message }).catch(() => undefined);
    } finally {
      this.busy = false;
    }
    if (this.again) {
      this.again = false;
      this.requestNext();
    }
  }

  private async update(jobId: string, status: string, details: Record<string, string>): Promise<void> {
    const statusDetails = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, v.slice(0, DETAIL_MAX)]));
    await this.mqtt.publish(this.topic(jobId, 'update'), JSON.stringify({ status, statusDetails }), 1);
  }
}
