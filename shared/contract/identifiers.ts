import * as z from 'zod/mini';
import './zod-english.js';

/** AWS IoT thing names: 1-128 of letters, digits, colon, underscore, hyphen. */
export const thingNameSchema = z.string().check(z.regex(/^[a-zA-Z0-9:_-]{1,128}$/, 'must be a valid AWS IoT thing name'));

/** AWS IoT job ids: 1-64 of letters, digits, underscore, hyphen. */
export const jobIdSchema = z.string().check(z.regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be a valid AWS IoT job id'));

/** AWS IoT certificate ids (the `principal()` of a connection): the SHA-256 of the DER in lower-case hex. */
export const certificateIdSchema = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be a certificate id (64 lower-case hex digits)'));

/** The pseudo job id of the "next pending execution" requests and their replies. */
export const NEXT_JOB_ID = '$next';

/** `thingName` if it is a valid thing name; otherwise throws an error that names the field. */
export function checkedThingName(thingName: string): string {
  return checked('thingName', thingNameSchema, thingName);
}

/** `jobId` if it is a valid job id; otherwise throws an error that names the field. */
export function checkedJobId(jobId: string): string {
  return checked('jobId', jobIdSchema, jobId);
}

function checked(field: string, schema: z.ZodMiniString, value: string): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`${field}: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(value)})`);
  }
  return value;
}
