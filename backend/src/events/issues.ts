import type * as z from 'zod/mini';

/** `field: problem` for each issue, so a rejection names what was wrong. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues.map((issue) => `${issue.path.length === 0 ? '(event)' : issue.path.join('.')}: ${issue.message}`).join('; ');
}
