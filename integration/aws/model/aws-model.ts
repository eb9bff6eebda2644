import { IamService } from '../iam/iam-service.js';
import type { AccountContext } from './arn.js';
import { type Clock, REAL_TIME, systemClock, type TimeScale } from './clock.js';
import { LocalAuthorities } from './ca/local-authorities.js';
import { PrivateCaService } from './ca/private-ca.js';
import { EventConfigurations } from './event-configurations.js';
import { GreengrassService } from './greengrass/greengrass.js';
import { DeviceJobs } from './jobs/device-jobs.js';
import { JobsService } from './jobs/jobs-service.js';
import { type ExecutionChange, ExecutionLifecycle } from './jobs/lifecycle.js';
import { JobState } from './jobs/state.js';
import { JobTemplateStore } from './jobs/templates.js';
import { MessageBus } from './message-bus.js';
import type { DetachPropagation } from './registry/detach-propagation.js';
import { IotRegistry } from './registry/registry.js';
import { S3Buckets } from './s3-buckets.js';
import { ShadowStore } from './shadows.js';
import { SnsService } from './sns.js';

export interface AwsModelOptions {
  accountId?: string;
  region?: string;
  /** Defaults to the system clock; tests pass a ManualClock. */
  clock?: Clock;
  /** Length of an AWS minute in ms (in-progress timeouts, rollout windows). Default 60000. */
  minuteMs?: number;
  /**
   * How long DetachThingPrincipal takes to propagate: ms, or a function drawing a delay per detach.
   * Default: as AWS behaves (most often at once or within a few hundred ms); changeable later on
   * the registry.
   */
  detachPropagationDelayMs?: number | DetachPropagation;
  /** How long ACM PCA's GetCertificate answers RequestInProgressException (default 200 ms). */
  pcaIssuanceDelayMs?: number;
  /**
   * The stand-in's fixed CAs; creating them takes a moment (an RSA key), so tests may share one
   * set between models.
   */
  authorities?: LocalAuthorities;
  /** Where errors thrown by event listeners are reported (default: console.error). */
  onListenerError?: (error: unknown) => void;
}

/**
 * One AWS account and region as the certificate rotator sees it: IoT, Jobs, shadows, ACM PCA, SNS,
 * IAM, and the Greengrass V2 control plane with the S3 buckets its components' artifacts are kept in.
 */
export class AwsModel implements AccountContext {
  /** Changeable at run time (ms). */
  pcaIssuanceDelayMs: number;
  /** Roles and the role sessions of the account's Lambda functions. */
  readonly iam: IamService;
  readonly s3: S3Buckets;
  readonly greengrass: GreengrassService;

  private constructor(
    readonly accountId: string,
    readonly region: string,
    readonly clock: Clock,
    readonly timeScale: TimeScale,
    readonly messages: MessageBus,
    readonly authorities: LocalAuthorities,
    readonly registry: IotRegistry,
    readonly shadows: ShadowStore,
    readonly eventConfigurations: EventConfigurations,
    readonly jobTemplates: JobTemplateStore,
    readonly jobs: JobsService,
    readonly deviceJobs: DeviceJobs,
    readonly privateCa: PrivateCaService,
    readonly sns: SnsService,
    private readonly lifecycle: ExecutionLifecycle,
    pcaIssuanceDelayMs: number,
  ) {
    this.pcaIssuanceDelayMs = pcaIssuanceDelayMs;
    this.iam = new IamService({ accountId, region });
    this.s3 = new S3Buckets(() => clock.now());
    this.greengrass = new GreengrassService({ accountId, region }, clock, { jobs, things: registry.things, s3: this.s3 });
  }

  static async create(options: AwsModelOptions = {}): Promise<AwsModel> {
    const ctx: AccountContext = { accountId: options.accountId ?? '123456789012', region: options.region ?? 'us-east-1' };
    if (!/^\d{12}$/.test(ctx.accountId)) throw new Error(`accountId must be 12 digits: ${ctx.accountId}`);
    const clock = options.clock ?? systemClock;
    const now = (): number => clock.now();
    const timeScale: TimeScale = { minuteMs: options.minuteMs ?? REAL_TIME.minuteMs };
    const onListenerError = options.onListenerError ?? ((error: unknown) => console.error('listener failed', error));
    const messages = new MessageBus();
    const authorities = options.authorities ?? (await LocalAuthorities.create(now));
    const registry = new IotRegistry(ctx, now, authorities, {
      ...(options.detachPropagationDelayMs === undefined ? {} : { detachPropagationDelayMs: options.detachPropagationDelayMs }),
      onListenerError,
    });
    const eventConfigurations = new EventConfigurations(now);
    const state = new JobState();
    const lifecycle = new ExecutionLifecycle(ctx, state, clock, timeScale, messages, eventConfigurations, onListenerError);
    const jobTemplates = new JobTemplateStore(ctx, now);
    const jobs = new JobsService(ctx, clock, state, lifecycle, jobTemplates, registry.things);
    const deviceJobs = new DeviceJobs(clock, state, lifecycle);
    // The PCA reads the delay through the model so that changing it later takes effect.
    const privateCa = new PrivateCaService(ctx, now, () => model.pcaIssuanceDelayMs);
    const model: AwsModel = new AwsModel(
      ctx.accountId,
      ctx.region,
      clock,
      timeScale,
      messages,
      authorities,
      registry,
      new ShadowStore(now),
      eventConfigurations,
      jobTemplates,
      jobs,
      deviceJobs,
      privateCa,
      new SnsService(ctx, now),
      lifecycle,
      options.pcaIssuanceDelayMs ?? 200,
    );
    return model;
  }

  /** Listens to every change of a job execution (creation, updates, timeouts, cancellation). */
  onExecutionChange(listener: (change: ExecutionChange) => void): () => void {
    return this.lifecycle.changes.add(listener);
  }

  /** Stops timers (in-progress timeouts, rollouts). */
  close(): void {
    this.lifecycle.close();
  }
}
