import * as z from 'zod/mini';
import '../../../shared/contract/zod-english.js';

/**
 * A JOB_EXECUTION event from `$aws/events/jobExecution/<jobId>/<status>`, as the terminal rule
 * passes it on. Only the fields the handler reads are checked; the rest pass through untouched.
 */
export const jobExecutionEventSchema = z.object({
  jobId: z.string().check(z.minLength(1)),
  thingArn: z.string().check(z.regex(/:thing\/[a-zA-Z0-9:_-]{1,128}$/, 'must be an AWS IoT thing ARN')),
  status: z.string().check(z.minLength(1)),
  /** What the device reported last; values are strings on the wire, but the original sends `true`. */
  statusDetails: z.optional(z.record(z.string(), z.unknown())),
});

export type JobExecutionEvent = z.infer<typeof jobExecutionEventSchema>;

export function thingNameOf(thingArn: string): string {
  return thingArn.slice(thingArn.lastIndexOf('thing/') + 'thing/'.length);
}
