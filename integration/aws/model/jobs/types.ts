import { AwsError, type AwsErrorCode } from '../errors.js';

export const EXECUTION_STATUSES = ['QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'REJECTED', 'REMOVED', 'CANCELED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'REJECTED',
  'REMOVED',
  'CANCELED',
]);
export const isTerminal = (status: ExecutionStatus): boolean => TERMINAL_STATUSES.has(status);

/** Values are strings through the HTTP API; the MQTT API also lets JSON scalars through. */
export type StatusDetails = Record<string, string | number | boolean>;

export interface ExponentialRolloutRate {
  baseRatePerMinute: number;
  incrementFactor: number;
  rateIncreaseCriteria: { numberOfNotifiedThings?: number; numberOfSucceededThings?: number };
}

export interface RolloutConfig {
  maximumPerMinute?: number;
  exponentialRate?: ExponentialRolloutRate;
}

export interface TimeoutConfig {
  inProgressTimeoutInMinutes?: number;
}

/** Settings a template supplies and a job may override. Abort/retry/presigned are kept, not acted on. */
export interface JobSettings {
  description?: string;
  jobExecutionsRolloutConfig?: RolloutConfig;
  timeoutConfig?: TimeoutConfig;
  abortConfig?: unknown;
  jobExecutionsRetryConfig?: unknown;
  presignedUrlConfig?: unknown;
}

export interface JobTemplate extends JobSettings {
  jobTemplateId: string;
  jobTemplateArn: string;
  document: string;
  createdAt: number;
}

export type JobStatus = 'IN_PROGRESS' | 'CANCELED' | 'COMPLETED' | 'DELETION_IN_PROGRESS';

export interface Job extends JobSettings {
  jobId: string;
  jobArn: string;
  jobTemplateArn?: string;
  document: string;
  targets: string[];
  targetSelection: 'SNAPSHOT' | 'CONTINUOUS';
  /** Set for jobs a service creates in its own namespace (Greengrass deployments). */
  namespaceId?: string;
  status: JobStatus;
  forceCanceled?: boolean;
  reasonCode?: string;
  comment?: string;
  createdAt: number;
  lastUpdatedAt: number;
  completedAt?: number;
}

/** Times are epoch milliseconds; renderers convert to the seconds AWS puts on the wire. */
export interface JobExecution {
  jobId: string;
  thingName: string;
  thingArn: string;
  status: ExecutionStatus;
  statusDetails: StatusDetails;
  queuedAt: number;
  startedAt?: number;
  lastUpdatedAt: number;
  versionNumber: number;
  executionNumber: number;
  forceCanceled?: boolean;
  /** When the in-progress timer fires, if one runs. */
  timesOutAt?: number;
}

export interface JobProcessDetails {
  numberOfCanceledThings: number;
  numberOfSucceededThings: number;
  numberOfFailedThings: number;
  numberOfRejectedThings: number;
  numberOfQueuedThings: number;
  numberOfInProgressThings: number;
  numberOfRemovedThings: number;
  numberOfTimedOutThings: number;
}

/** The rejection codes of the jobs MQTT API, carried beside the HTTP error code. */
export type JobsMqttErrorCode =
  | 'InvalidTopic'
  | 'InvalidJson'
  | 'InvalidRequest'
  | 'InvalidStateTransition'
  | 'ResourceNotFound'
  | 'VersionMismatch'
  | 'InternalError'
  | 'RequestThrottled'
  | 'TerminalStateReached';

export class JobsError extends AwsError {
  constructor(
    code: AwsErrorCode,
    message: string,
    readonly mqttCode: JobsMqttErrorCode,
  ) {
    super(code, message);
  }
}
