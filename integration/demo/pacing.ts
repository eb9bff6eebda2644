/** The backend's job template: its in-progress timeout and rollout rate (deployBackend's defaults). */
export const IN_PROGRESS_TIMEOUT_MINUTES = 5;
export const TEMPLATE_ROLLOUT_PER_MINUTE = 100;

/**
 * A rotation costs the machine about this many times what provisioning one core did (a key, a
 * certificate, files), once the broker, the Lambdas and the TLS handshakes are counted, with room
 * to spare: the rollout then asks of the machine about a third of what it could do at most.
 */
const ROTATION_COST_IN_PROVISIONINGS = 3;

/**
 * How many cores the job may notify per AWS minute on this machine. In an account every device
 * rotates on its own CPU and every Lambda invocation has its own; here they all share this
 * machine's, so the demo paces the job as an operator paces a rollout to what the account can
 * take, from how long provisioning took per core. Never faster than the template's rate.
 */
export function pacedRollout(secondsPerCore: number, minuteScale: number): number {
  const coresPerSecond = 1 / (ROTATION_COST_IN_PROVISIONINGS * Math.max(secondsPerCore, 0.001));
  const perAwsMinute = Math.floor(coresPerSecond * (60 / minuteScale));
  return Math.max(1, Math.min(TEMPLATE_ROLLOUT_PER_MINUTE, perAwsMinute));
}

/**
 * The AWS minute, and the longest the job can take: every rollout window, then one in-progress
 * timeout for the last executions released. The watch waits half as long again, for a busy machine.
 */
export function jobTiming(devices: number, minuteScale: number, perMinute: number): { minuteMs: number; watchTimeoutMs: number } {
  const minuteMs = 60_000 / minuteScale;
  const windows = Math.ceil(devices / perMinute);
  return { minuteMs, watchTimeoutMs: Math.round((windows + IN_PROGRESS_TIMEOUT_MINUTES) * minuteMs * 1.5) + 60_000 };
}
