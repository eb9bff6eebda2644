import { z } from 'zod';
import { EXECUTION_STATUSES } from '../model/jobs/types.js';
import { statusDetailsSchema } from '../model/jobs/schemas.js';

const clientToken = z.string().max(64).optional();

export const getPendingRequest = z.object({ clientToken }).loose();

export const describeRequest = z
  .object({
    executionNumber: z.number().int().positive().optional(),
    includeJobDocument: z.boolean().optional(),
    clientToken,
  })
  .loose();

export const updateRequest = z
  .object({
    status: z.enum(EXECUTION_STATUSES),
    statusDetails: statusDetailsSchema.optional(),
    expectedVersion: z.number().int().positive().optional(),
    executionNumber: z.number().int().positive().optional(),
    includeJobExecutionState: z.boolean().optional(),
    includeJobDocument: z.boolean().optional(),
    stepTimeoutInMinutes: z.number().int().min(1).max(10080).optional(),
    clientToken,
  })
  .loose();

export const startNextRequest = z
  .object({
    statusDetails: statusDetailsSchema.optional(),
    stepTimeoutInMinutes: z.number().int().min(1).max(10080).optional(),
    clientToken,
  })
  .loose();

/** The operation a device asks for by publishing on `$aws/things/<thing>/jobs/...`. */
export type JobsTopic =
  | { thingName: string; operation: 'getPending' }
  | { thingName: string; operation: 'startNext' }
  | { thingName: string; operation: 'describe'; jobId: string; namespaceId?: string }
  | { thingName: string; operation: 'update'; jobId: string; namespaceId?: string };

const NAMESPACE_LEVEL = /^namespace-([a-zA-Z0-9_-]+)$/;

/**
 * Undefined for topics that are not jobs API requests (replies, notifications, others). A job in a
 * namespace is asked for on `.../jobs/<jobId>/namespace-<id>/get|update`.
 */
export function parseJobsTopic(topic: string): JobsTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== '$aws' || parts[1] !== 'things' || parts[3] !== 'jobs' || !parts[2]) return undefined;
  const thingName = parts[2];
  if (parts.length === 5 && parts[4] === 'get') return { thingName, operation: 'getPending' };
  if (parts.length === 5 && parts[4] === 'start-next') return { thingName, operation: 'startNext' };
  const jobId = parts[4];
  if (!jobId || jobId.startsWith('notify')) return undefined;
  let namespaceId: string | undefined;
  let verb: string | undefined;
  if (parts.length === 6) verb = parts[5];
  else if (parts.length === 7) {
    namespaceId = NAMESPACE_LEVEL.exec(parts[5] ?? '')?.[1];
    if (namespaceId === undefined) return undefined;
    verb = parts[6];
  } else return undefined;
  const scope = namespaceId === undefined ? {} : { namespaceId };
  if (verb === 'get') return { thingName, operation: 'describe', jobId, ...scope };
  if (verb === 'update' && jobId !== '$next') return { thingName, operation: 'update', jobId, ...scope };
  return undefined;
}
