import { DEFAULT_NAME_PREFIX } from '../../../shared/contract/index.js';

/** The CloudWatch namespace of every metric; the `service` dimension is the function's name. */
export const METRICS_NAMESPACE = DEFAULT_NAME_PREFIX;

/** What the functions count, and the one thing they time. */
export const METRIC_NAMES = [
  /** create: a certificate was issued and installed for a device (create/accepted). */
  'RotationsStarted',
  /** commit: a device proved its new certificate (commit/accepted). */
  'RotationsCommitted',
  /** terminal: a rotation job execution ended so. */
  'RotationsSucceeded',
  'RotationsFailed',
  'RotationsTimedOut',
  /** create and commit: a request was rejected; dimension Reason. */
  'CreateRejected',
  'CommitRejected',
  /** commit: seconds from the certificate's creation (create's shadow update) to the commit. */
  'CreateToCommitSeconds',
  /** create and commit: a request from a connection that is not the thing's; dimension Reason. */
  'SecurityEvents',
  /** scheduler: cores put into rotation jobs, and due or watched cores it left out; dimension Reason for skips. */
  'RotationsScheduled',
  'SchedulerSkips',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
