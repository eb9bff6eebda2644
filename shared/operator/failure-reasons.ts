import { DescribeJobExecutionCommand, type IoTClient } from '@aws-sdk/client-iot';
import { describeAwsError } from './aws-error.js';

/** At most this many DescribeJobExecution calls at once: the control plane allows a few per second. */
const DESCRIBE_CONCURRENCY = 4;

/** The DeviceFailureReason a core reported in its job execution's status details, if any. */
export async function failureReason(iot: IoTClient, jobId: string, thingName: string): Promise<string | undefined> {
  try {
    const { execution } = await iot.send(new DescribeJobExecutionCommand({ jobId, thingName }));
    return execution?.statusDetails?.detailsMap?.['DeviceFailureReason'];
  } catch (error) {
    return `status details unavailable (${describeAwsError(error)})`;
  }
}

/** Adds each ended-but-not-SUCCEEDED execution's reason, asking a few at a time. */
export async function withFailureReasons<T extends { thingName: string; status: string }>(
  iot: IoTClient,
  jobId: string,
  things: readonly T[],
): Promise<Array<T & { reason?: string }>> {
  const result: Array<T & { reason?: string }> = [...things];
  const pending = result.map((t, i) => [t, i] as const).filter(([t]) => t.status !== 'SUCCEEDED' && t.status !== 'NOT_DISPATCHED');
  const worker = async (): Promise<void> => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      const [thing, index] = next;
      const reason = await failureReason(iot, jobId, thing.thingName);
      result[index] = reason === undefined ? thing : { ...thing, reason };
    }
  };
  await Promise.all(Array.from({ length: DESCRIBE_CONCURRENCY }, worker));
  return result;
}
