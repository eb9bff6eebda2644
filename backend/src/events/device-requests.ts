import type * as z from 'zod/mini';
import { thingNameSchema } from '../../../shared/contract/index.js';
import { describeIssues } from './issues.js';

export { commitRequestSchema, createRequestSchema, type CommitRequest, type CreateRequest } from '../../../shared/contract/index.js';

export type ParsedRequest<T> =
  | { ok: true; request: T }
  /** `thingName` is set when the event names a valid thing, so the device can still be told. */
  | { ok: false; problem: string; thingName?: string };

export function parseRequest<T>(schema: z.ZodMiniType<T>, event: unknown): ParsedRequest<T> {
  const parsed = schema.safeParse(event);
  if (parsed.success) return { ok: true, request: parsed.data };
  const problem = `Invalid request: ${describeIssues(parsed.error)}`;
  const thingName = thingNameSchema.safeParse(
    typeof event === 'object' && event !== null && 'thingName' in event ? event.thingName : undefined,
  );
  return thingName.success ? { ok: false, problem, thingName: thingName.data } : { ok: false, problem };
}
