import { z } from 'zod';
import { invalidRequest } from '../model/errors.js';

/** Parses an operation's input; a bad input becomes InvalidRequestException naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'request';
  throw invalidRequest(`${field}: ${issue?.message ?? 'invalid'}`);
}

/** Booleans and integers arrive as text in query strings and headers. */
export const queryBool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const queryInt = z
  .string()
  .regex(/^-?\d+$/, 'expected an integer')
  .transform(Number);

/** Timestamps of restJson1 and awsJson1_1 are epoch seconds; the model keeps epoch milliseconds. */
export const epochSeconds = (ms: number): number => ms / 1000;
/** The Jobs data plane declares its timestamps as whole seconds (`long`). */
export const wholeEpochSeconds = (ms: number): number => Math.floor(ms / 1000);

/** `{ key: value }`, or `{}` when the value is absent: optional members are omitted, never null. */
export const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);
