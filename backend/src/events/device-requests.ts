import * as z from 'zod';
import { requestTopic, type RequestKind } from '../wire-contract.js';
import { describeIssues } from './issues.js';

/**
 * Events from the create and commit topic rules: the device's JSON payload plus the rule's
 * projections `thingName` (topic(3)), `topic`, `clientId` and `principal` (the certificate id the
 * connection authenticated with).
 */
export const thingNameSchema = z.string().regex(/^[a-zA-Z0-9:_-]{1,128}$/, 'must be an AWS IoT thing name');
const jobIdSchema = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be an AWS IoT job id');
export const certificateIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a certificate id (64 lower-case hex digits)');

const ruleFields = {
  jobId: jobIdSchema,
  thingName: thingNameSchema,
  topic: z.string(),
  clientId: z.string().min(1),
  principal: certificateIdSchema,
};

/** The reply topics hang under the request topic, which the rule passes in `topic`. */
function withMatchingTopic<T extends { thingName: string; topic: string }>(kind: RequestKind) {
  return (request: T, context: z.RefinementCtx) => {
    if (request.topic !== requestTopic(kind, request.thingName)) {
      context.addIssue({ code: 'custom', path: ['topic'], message: `must be ${requestTopic(kind, request.thingName)}` });
    }
  };
}

export const createRequestSchema = z
  .object({ ...ruleFields, csr: z.string().includes('CERTIFICATE REQUEST', { message: 'must be a PEM certificate signing request' }) })
  .superRefine(withMatchingTopic('create'));

export const commitRequestSchema = z.object(ruleFields).superRefine(withMatchingTopic('commit'));

export type CreateRequest = z.infer<typeof createRequestSchema>;
export type CommitRequest = z.infer<typeof commitRequestSchema>;

export type ParsedRequest<T> =
  | { ok: true; request: T }
  /** `thingName` is set when the event names a valid thing, so the device can still be told. */
  | { ok: false; problem: string; thingName?: string };

export function parseRequest<T>(schema: z.ZodType<T>, event: unknown): ParsedRequest<T> {
  const parsed = schema.safeParse(event);
  if (parsed.success) return { ok: true, request: parsed.data };
  const problem = `Invalid request: ${describeIssues(parsed.error)}`;
  const thingName = thingNameSchema.safeParse(
    typeof event === 'object' && event !== null && 'thingName' in event ? event.thingName : undefined,
  );
  return thingName.success ? { ok: false, problem, thingName: thingName.data } : { ok: false, problem };
}
