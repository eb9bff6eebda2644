import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, type MetricName } from './metric-names.js';

export { METRICS_NAMESPACE, METRIC_NAMES, type MetricName } from './metric-names.js';

/** A function's metrics for one invocation, printed as CloudWatch embedded metric format (EMF) lines. */
export interface RotationMetrics {
  /** Adds 1 (or `value`); with a reason, the metric is printed at once with that `Reason` dimension. */
  count(name: MetricName, options?: { reason?: string; value?: number }): void;
  seconds(name: MetricName, value: number): void;
  /** Prints the invocation's dimensionless metrics as one EMF line (nothing when none) and forgets them. */
  flush(): void;
}

/**
 * Metrics of one function, through Powertools Metrics. The `service` dimension is the deployed
 * function's name (AWS_LAMBDA_FUNCTION_NAME), else `serviceName`. POWERTOOLS_METRICS_DISABLED=true
 * turns printing off (the local demo does, to keep its output readable).
 */
export function createRotationMetrics(serviceName: string, options: { metrics?: Metrics } = {}): RotationMetrics {
  const metrics =
    options.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: process.env['AWS_LAMBDA_FUNCTION_NAME'] || serviceName });
  return {
    count: (name, { reason, value = 1 } = {}) => {
      if (reason === undefined) {
        metrics.addMetric(name, MetricUnit.Count, value);
        return;
      }
      const single = metrics.singleMetric();
      single.addDimension('Reason', reason);
      single.addMetric(name, MetricUnit.Count, value);
    },
    seconds: (name, value) => {
      metrics.addMetric(name, MetricUnit.Seconds, value);
    },
    flush: () => {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}

/** Short, stable reason codes for rejections (CloudWatch dimensions must not be free text). */
const REASONS: ReadonlyArray<[RegExp, string]> = [
  [/^no IN_PROGRESS rotation job execution/, 'NoRotationInProgress'],
  [/^expected (one|two) certificate principal/, 'CertificateCount'],
  [/^connection did not use/, 'WrongCertificate'],
  [/^client id does not start with the thing name/, 'ClientIdMismatch'],
  [/^new certificate is not attached/, 'NewCertificateDetached'],
  [/^shadow does not record/, 'NoCreatedCertificate'],
  [/^Failed to create certificate from CSR/, 'IssuerFailed'],
  [/^shadow records the rotation of job/, 'OtherJob'],
  [/^AWS throttling/, 'Throttled'],
  // Why a request was not the thing's own (security events).
  [/^the rule did not pass/, 'MissingSenderFields'],
  [/^published on /, 'WrongTopic'],
  [/^the client id is not the thing name/, 'ClientIdMismatch'],
  [/^the certificate is not attached to the thing/, 'CertificateNotAttached'],
];

/** The reason code of a rejection's problem text; `Other` for any text not known here. */
export function rejectionReason(problem: string): string {
  return REASONS.find(([pattern]) => pattern.test(problem))?.[1] ?? 'Other';
}
