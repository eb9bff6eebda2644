import * as z from 'zod';
import { jobIdSchema } from './identifiers.js';

/**
 * Schemas of every message the device receives: AWS IoT Jobs MQTT API replies and the backend's
 * create/commit replies. Only the fields the rotator relies on are required; the rest are typed
 * when present and anything else is kept, so that AWS adding fields breaks nothing.
 */

const timestamp = z.number().optional();
const clientToken = z.string().optional();

/** A job execution as carried by `get/accepted` and `notify-next`. */
export const jobExecutionSchema = z.looseObject({
  jobId: jobIdSchema,
  status: z.string().min(1),
  jobDocument: z.record(z.string(), z.unknown()).optional(),
  thingName: z.string().optional(),
  statusDetails: z.record(z.string(), z.unknown()).optional(),
  queuedAt: z.number().optional(),
  startedAt: z.number().optional(),
  lastUpdatedAt: z.number().optional(),
  versionNumber: z.number().optional(),
  executionNumber: z.number().optional(),
});
export type JobExecution = z.infer<typeof jobExecutionSchema>;

/** `jobs/notify-next`: no `execution` once no execution is pending. */
export const notifyNextSchema = z.looseObject({ timestamp, execution: jobExecutionSchema.optional() });

/** `jobs/<id>/get/accepted`: no `execution` when nothing is pending. */
export const getAcceptedSchema = z.looseObject({ timestamp, clientToken, execution: jobExecutionSchema.optional() });

/** `jobs/<id>/get/rejected` and `jobs/<id>/update/rejected`. */
export const jobRejectedSchema = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  timestamp,
  clientToken,
});

/** `jobs/<id>/update/accepted`. */
export const updateAcceptedSchema = z.looseObject({
  timestamp,
  clientToken,
  executionState: z
    .looseObject({
      status: z.string().optional(),
      statusDetails: z.record(z.string(), z.unknown()).optional(),
      versionNumber: z.number().optional(),
    })
    .optional(),
});

/** `certificate/create/accepted`. */
export const createAcceptedSchema = z.looseObject({ certificatePem: z.string().min(1) });

/** `certificate/create/rejected` and `certificate/commit/rejected`. */
export const certificateRejectedSchema = z.looseObject({ errorMsg: z.string().optional() });

/** `certificate/commit/accepted`: `{}`. */
export const commitAcceptedSchema = z.looseObject({});

/** What the backend publishes on each reply topic. */
export type CreateAcceptedReply = { certificatePem: string };
export type CertificateRejectedReply = { errorMsg: string };
export type CommitAcceptedReply = Record<string, never>;
export type CertificateReply = CreateAcceptedReply | CertificateRejectedReply | CommitAcceptedReply;
