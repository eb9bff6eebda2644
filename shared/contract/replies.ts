import * as z from 'zod/mini';
import './zod-english.js';
import { jobIdSchema } from './identifiers.js';

/**
 * Schemas of every message the device receives: AWS IoT Jobs MQTT API replies and the backend's
 * create/commit replies. Only the fields the rotator relies on are required; the rest are typed
 * when present and anything else is kept, so that AWS adding fields breaks nothing.
 */

const timestamp = z.optional(z.number());
const clientToken = z.optional(z.string());

/** A job execution as carried by `get/accepted` and `notify-next`. */
export const jobExecutionSchema = z.looseObject({
  jobId: jobIdSchema,
  status: z.string().check(z.minLength(1)),
  jobDocument: z.optional(z.record(z.string(), z.unknown())),
  thingName: z.optional(z.string()),
  statusDetails: z.optional(z.record(z.string(), z.unknown())),
  queuedAt: z.optional(z.number()),
  startedAt: z.optional(z.number()),
  lastUpdatedAt: z.optional(z.number()),
  versionNumber: z.optional(z.number()),
  executionNumber: z.optional(z.number()),
});
export type JobExecution = z.infer<typeof jobExecutionSchema>;

/** `jobs/notify-next`: no `execution` once no execution is pending. */
export const notifyNextSchema = z.looseObject({ timestamp, execution: z.optional(jobExecutionSchema) });

/** `jobs/<id>/get/accepted`: no `execution` when nothing is pending. */
export const getAcceptedSchema = z.looseObject({ timestamp, clientToken, execution: z.optional(jobExecutionSchema) });

/** `jobs/<id>/get/rejected` and `jobs/<id>/update/rejected`. */
export const jobRejectedSchema = z.looseObject({
  code: z.optional(z.string()),
  message: z.optional(z.string()),
  timestamp,
  clientToken,
});

/** `jobs/<id>/update/accepted`. */
export const updateAcceptedSchema = z.looseObject({
  timestamp,
  clientToken,
  executionState: z.optional(
    z.looseObject({
      status: z.optional(z.string()),
      statusDetails: z.optional(z.record(z.string(), z.unknown())),
      versionNumber: z.optional(z.number()),
    }),
  ),
});

/** `certificate/create/accepted`. */
export const createAcceptedSchema = z.looseObject({ certificatePem: z.string().check(z.minLength(1)) });

/** `certificate/create/rejected` and `certificate/commit/rejected`. */
export const certificateRejectedSchema = z.looseObject({ errorMsg: z.optional(z.string()) });

/** `certificate/commit/accepted`: `{}`. */
export const commitAcceptedSchema = z.looseObject({});

/** What the backend publishes on each reply topic. */
export type CreateAcceptedReply = { certificatePem: string };
export type CertificateRejectedReply = { errorMsg: string };
export type CommitAcceptedReply = Record<string, never>;
export type CertificateReply = CreateAcceptedReply | CertificateRejectedReply | CommitAcceptedReply;
