import { z } from 'zod';
import { invalidRequest } from '../errors.js';

const rolloutSchema = z
  .object({
    maximumPerMinute: z.number().int().min(1).max(1000).optional(),
    exponentialRate: z
      .object({
        baseRatePerMinute: z.number().int().min(1).max(1000),
        incrementFactor: z.number().min(1.1).max(5),
        rateIncreaseCriteria: z
          .object({
            numberOfNotifiedThings: z.number().int().min(1).optional(),
            numberOfSucceededThings: z.number().int().min(1).optional(),
          })
          .refine((c) => (c.numberOfNotifiedThings === undefined) !== (c.numberOfSucceededThings === undefined), {
            message: 'exactly one of numberOfNotifiedThings, numberOfSucceededThings',
          }),
      })
      .optional(),
  })
  .optional();

const timeoutSchema = z.object({ inProgressTimeoutInMinutes: z.number().int().min(1).max(10080).optional() }).optional();

export const jobSettingsSchema = z.object({
  description: z.string().max(2028).optional(),
  jobExecutionsRolloutConfig: rolloutSchema,
  timeoutConfig: timeoutSchema,
  abortConfig: z.unknown().optional(),
  jobExecutionsRetryConfig: z.unknown().optional(),
  presignedUrlConfig: z.unknown().optional(),
});

const idSchema = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 of [a-zA-Z0-9_-]');

export const createJobTemplateSchema = jobSettingsSchema.extend({
  jobTemplateId: idSchema,
  document: z.string().min(1).max(32768).optional(),
  jobArn: z.string().optional(),
});

export const createJobSchema = jobSettingsSchema.extend({
  jobId: idSchema,
  targets: z.array(z.string()).min(1),
  document: z.string().min(1).max(32768).optional(),
  jobTemplateArn: z.string().optional(),
  targetSelection: z.enum(['SNAPSHOT', 'CONTINUOUS']).optional(),
  /** Jobs in a namespace are seen only on the namespace's topics (`.../namespace-<id>/...`). */
  namespaceId: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'must be letters, digits, - or _')
    .max(64)
    .optional(),
});

export const statusDetailsSchema = z.record(z.string().min(1).max(128), z.union([z.string().max(1024), z.number(), z.boolean()]));

/** Parses with `schema`; a failure becomes InvalidRequestException naming the field. */
export function parseRequest<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalidRequest(`Invalid ${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
}
