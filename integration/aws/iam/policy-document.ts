import { z } from 'zod';

/**
 * IAM policy statements as a template writes them, normalised: one-or-many fields become lists.
 * Identity policies have no Principal; resource policies (an SNS topic policy) do.
 */
export interface Statement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Exactly one of actions / notActions is set. */
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  /** `{ operator: { key: values } }`. */
  conditions: Record<string, Record<string, string[]>>;
  /** Resource policies only: `*`, or the principals by kind (`AWS`, `Service`). */
  principal?: '*' | Record<string, string[]>;
  notPrincipal?: '*' | Record<string, string[]>;
}

const oneOrMany = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const conditionValues = z.union([scalar, z.array(scalar)]).transform((v) => (Array.isArray(v) ? v : [v]));
const principalSchema = z.union([z.literal('*'), z.record(z.string(), oneOrMany)]);

const statementSchema = z
  .object({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Action: oneOrMany.optional(),
    NotAction: oneOrMany.optional(),
    Resource: oneOrMany.optional(),
    NotResource: oneOrMany.optional(),
    Condition: z.record(z.string(), z.record(z.string(), conditionValues)).optional(),
    Principal: principalSchema.optional(),
    NotPrincipal: principalSchema.optional(),
  })
  .refine((s) => (s.Action === undefined) !== (s.NotAction === undefined), 'a statement needs exactly one of Action and NotAction');

const documentSchema = z.object({
  Version: z.string().optional(),
  Statement: z.union([statementSchema, z.array(statementSchema)]).transform((v) => (Array.isArray(v) ? v : [v])),
});

/** Parses a policy document (an object, or its JSON text); the error names what is wrong. */
export function parsePolicyDocument(document: unknown, what: string): Statement[] {
  let value = document;
  if (typeof document === 'string') {
    try {
      value = JSON.parse(document) as unknown;
    } catch {
      throw new Error(`${what}: the policy document is not JSON`);
    }
  }
  const parsed = documentSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${what}: malformed policy document: ${z.prettifyError(parsed.error)}`);
  return parsed.data.Statement.map((s) => ({
    ...(s.Sid === undefined ? {} : { sid: s.Sid }),
    effect: s.Effect,
    ...(s.Action === undefined ? {} : { actions: s.Action }),
    ...(s.NotAction === undefined ? {} : { notActions: s.NotAction }),
    ...(s.Resource === undefined ? {} : { resources: s.Resource }),
    ...(s.NotResource === undefined ? {} : { notResources: s.NotResource }),
    conditions: s.Condition ?? {},
    ...(s.Principal === undefined ? {} : { principal: s.Principal }),
    ...(s.NotPrincipal === undefined ? {} : { notPrincipal: s.NotPrincipal }),
  }));
}
