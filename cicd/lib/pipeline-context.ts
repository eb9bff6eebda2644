import type { Node } from 'constructs';
import { z } from 'zod';

/** The CDK context variables the pipeline reads, with what each means (shown when one is missing or bad). */
export const CONTEXT_VARIABLES = {
  ConnectionId:
    'ID of the AWS CodeConnections connection to the repository (GitHub, GitHub Enterprise Server, Bitbucket, GitLab or Azure DevOps): the UUID at the end of the connection ARN',
  OwnerName: 'Owner (user or organisation) of the repository',
  RepositoryName: 'Name of the repository holding this project',
  BranchName: 'Branch of the repository that the pipeline builds',
  ThingGroupName: 'Thing group of the Greengrass core devices that the component is deployed to and tested on',
  PcaCaId: 'ID of the AWS Private CA certificate authority used by the Private CA tests; empty when there is none',
} as const;
export type ContextVariable = keyof typeof CONTEXT_VARIABLES;

/** Placeholders in cdk.context.json that let the app synthesize before it is configured. */
export const PLACEHOLDER_CONNECTION_ID = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const contextSchema = z.object({
  ConnectionId: z.string().trim().regex(UUID, 'must be a connection ID (a UUID), not a name or an ARN'),
  OwnerName: z.string().trim().min(1, 'must not be empty'),
  RepositoryName: z.string().trim().min(1, 'must not be empty'),
  BranchName: z.string().trim().min(1, 'must not be empty'),
  ThingGroupName: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9:_-]{1,128}$/, 'must be a thing group name (1-128 letters, digits, ":", "_" or "-")'),
  PcaCaId: z
    .string()
    .trim()
    .refine((v) => v === '' || UUID.test(v), 'must be empty or a certificate authority ID (a UUID)'),
});

export type PipelineContext = z.infer<typeof contextSchema>;

/**
 * Reads and checks every context variable; a missing or malformed one fails synthesis with its
 * name and meaning.
 */
export function readPipelineContext(node: Node): PipelineContext {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(CONTEXT_VARIABLES) as ContextVariable[]) {
    const value: unknown = node.tryGetContext(name);
    if (value === undefined) {
      throw new Error(`Context variable undefined: ${name} (${CONTEXT_VARIABLES[name]})`);
    }
    if (typeof value !== 'string') {
      throw new Error(`Context variable ${name} must be a string (${CONTEXT_VARIABLES[name]})`);
    }
    raw[name] = value;
  }
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0]) as ContextVariable;
    throw new Error(`Context variable ${name} ${issue?.message ?? 'is invalid'} (${CONTEXT_VARIABLES[name]})`);
  }
  return parsed.data;
}
