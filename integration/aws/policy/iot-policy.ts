import { z } from 'zod';

/**
 * AWS IoT policy documents as AWS IoT Core evaluates them for MQTT connections: explicit Deny
 * beats Allow, anything not allowed is denied; actions and resources match with `*` and `?`
 * wildcards; policy variables are replaced before matching, and a statement whose resource uses a
 * variable that does not resolve does not apply (so it allows nothing).
 */
export type IotAction = 'iot:Connect' | 'iot:Publish' | 'iot:Subscribe' | 'iot:Receive' | 'iot:RetainPublish';

/** What the policy variables of one connection resolve to. */
export interface PolicyContext {
  clientId: string;
  /** The certificate id of the connection. */
  certificateId: string;
  /** `iot:Connection.Thing.ThingName`; undefined when no thing resolves for the connection. */
  thingName?: string;
}

const stringOrList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

const statementSchema = z.object({
  Effect: z.enum(['Allow', 'Deny']),
  Action: stringOrList,
  Resource: stringOrList,
  Condition: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string()), z.boolean()]))).optional(),
});

const documentSchema = z.object({
  Version: z.string().optional(),
  Statement: z.union([statementSchema, z.array(statementSchema)]).transform((v) => (Array.isArray(v) ? v : [v])),
});

export type PolicyStatement = z.infer<typeof statementSchema>;

/** Parses a policy document; throws with the reason when it is not one AWS IoT would accept. */
export function parsePolicyDocument(document: string): PolicyStatement[] {
  const parsed = documentSchema.safeParse(JSON.parse(document));
  if (!parsed.success)
    throw new Error(`Malformed policy: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.Statement;
}

const VARIABLE = /\$\{([^}]+)\}/g;

function variableValue(name: string, context: PolicyContext): string | undefined {
  switch (name) {
    case 'iot:ClientId':
      return context.clientId;
    case 'iot:Connection.Thing.ThingName':
      return context.thingName;
    case 'iot:Connection.Thing.IsAttached':
      return String(context.thingName !== undefined);
    case 'iot:Certificate.Id':
    case 'iot:CertificateId':
      return context.certificateId;
    default:
      return undefined;
  }
}

/** The pattern with its variables replaced, or undefined when one does not resolve. */
function substitute(pattern: string, context: PolicyContext): string | undefined {
  let unresolved = false;
  const result = pattern.replace(VARIABLE, (_whole, name: string) => {
    const value = variableValue(name, context);
    if (value === undefined) unresolved = true;
    return value ?? '';
  });
  return unresolved ? undefined : result;
}

/** IAM-style wildcard match: `*` any run of characters, `?` one character, everything else literal. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );
  return regex.test(value);
}

function conditionsHold(condition: PolicyStatement['Condition'], context: PolicyContext): boolean {
  if (condition === undefined) return true;
  return Object.entries(condition).every(([operator, tests]) =>
    Object.entries(tests).every(([key, expected]) => {
      const actual = variableValue(key, context);
      const wanted = (Array.isArray(expected) ? expected : [expected]).map(String);
      switch (operator) {
        case 'Bool':
        case 'StringEquals':
          return actual !== undefined && wanted.includes(actual);
        case 'StringLike':
          return actual !== undefined && wanted.some((w) => wildcardMatch(w, actual));
        default:
          // An operator the stand-in does not model never holds: nothing is granted through it.
          return false;
      }
    }),
  );
}

function applies(statement: PolicyStatement, action: IotAction, resource: string, context: PolicyContext): boolean {
  if (!statement.Action.some((a) => wildcardMatch(a, action))) return false;
  if (!conditionsHold(statement.Condition, context)) return false;
  return statement.Resource.some((pattern) => {
    const concrete = substitute(pattern, context);
    return concrete !== undefined && wildcardMatch(concrete, resource);
  });
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export function evaluatePolicies(
  statements: readonly PolicyStatement[],
  action: IotAction,
  resource: string,
  context: PolicyContext,
): Decision {
  let allowed = false;
  for (const statement of statements) {
    if (!applies(statement, action, resource, context)) continue;
    if (statement.Effect === 'Deny') return 'explicit-deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}
