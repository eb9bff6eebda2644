import * as z from 'zod/mini';
import './zod-english.js';
import { certificateIdSchema, jobIdSchema, thingNameSchema } from './identifiers.js';
import { requestTopic, type RequestKind } from './topics.js';

/**
 * Events from the create and commit topic rules: the device's JSON payload plus the rule's
 * projections `thingName` (topic(3)), `topic`, `clientId` and `principal` (the certificate id the
 * connection authenticated with).
 */
const ruleFields = {
  jobId: jobIdSchema,
  thingName: thingNameSchema,
  topic: z.string(),
  clientId: z.string().check(z.minLength(1)),
  principal: certificateIdSchema,
};

/** The reply topics hang under the request topic, which the rule passes in `topic`. */
function withMatchingTopic<T extends { thingName: string; topic: string }>(kind: RequestKind) {
  return (request: T, context: z.core.$RefinementCtx<T>) => {
    if (request.topic !== requestTopic(kind, request.thingName)) {
      context.addIssue({ code: 'custom', path: ['topic'], message: `must be ${requestTopic(kind, request.thingName)}` });
    }
  };
}

export const createRequestSchema = z
  .object({
    ...ruleFields,
    csr: z.string().check(z.includes('CERTIFICATE REQUEST', { message: 'must be a PEM certificate signing request' })),
  })
  .check(z.superRefine(withMatchingTopic('create')));

export const commitRequestSchema = z.object(ruleFields).check(z.superRefine(withMatchingTopic('commit')));

export type CreateRequest = z.infer<typeof createRequestSchema>;
export type CommitRequest = z.infer<typeof commitRequestSchema>;
