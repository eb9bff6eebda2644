import { parsePolicyDocument, type Statement } from '../../iam/policy-document.js';
import { generatedName, optionalString, record, stringProp, type ResourceContext, type ResourceHandler } from '../resource-handler.js';

/**
 * AWS managed policies the stand-in knows the content of. Any other managed policy ARN is
 * attached as granting nothing, with a log line saying so: better a refusal than a guess.
 */
const MANAGED_POLICIES: Readonly<Record<string, Statement[]>> = {
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': [
    { effect: 'Allow', actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], resources: ['*'], conditions: {} },
  ],
};

function inlinePolicies(props: Record<string, unknown>, ctx: ResourceContext): Map<string, Statement[]> {
  const policies = new Map<string, Statement[]>();
  const list = Array.isArray(props['Policies']) ? props['Policies'] : [];
  for (const entry of list) {
    const policy = record(entry);
    const name = stringProp(policy, 'PolicyName', ctx);
    policies.set(name, parsePolicyDocument(policy['PolicyDocument'], `${ctx.logicalId} policy ${name}`));
  }
  const managed = Array.isArray(props['ManagedPolicyArns']) ? props['ManagedPolicyArns'].map(String) : [];
  for (const arn of managed) {
    const statements = MANAGED_POLICIES[arn];
    if (!statements)
      ctx.target.logger.warn('Managed policy not known to the stand-in: it grants nothing here', { role: ctx.logicalId, policyArn: arn });
    policies.set(arn, statements ?? []);
  }
  return policies;
}

function applyPolicies(ctx: ResourceContext, roleName: string, props: Record<string, unknown>): void {
  const iam = ctx.target.model.iam;
  const role = iam.role(roleName);
  // Policies attached by AWS::IAM::Policy resources live under their own keys and stay.
  for (const key of [...role.policies.keys()]) if (!key.startsWith('policy-resource:')) iam.deleteRolePolicy(roleName, key);
  for (const [name, statements] of inlinePolicies(props, ctx)) iam.putRolePolicy(roleName, name, statements);
}

export const iamRole: ResourceHandler = {
  create(props, ctx) {
    const roleName = optionalString(props, 'RoleName') ?? generatedName(ctx);
    const trust = parsePolicyDocument(props['AssumeRolePolicyDocument'], `${ctx.logicalId} AssumeRolePolicyDocument`);
    const role = ctx.target.model.iam.createRole(roleName, trust, optionalString(props, 'Path') ?? '/');
    applyPolicies(ctx, roleName, props);
    return { physicalId: roleName, attributes: { Arn: role.arn, RoleId: role.roleId } };
  },
  update(current, props, ctx) {
    if (props['RoleName'] !== current.properties['RoleName'] || props['Path'] !== current.properties['Path']) {
      throw new Error(`${ctx.logicalId}: renaming a role needs a replacement, which the stand-in does not do`);
    }
    const role = ctx.target.model.iam.role(current.physicalId);
    role.trust = parsePolicyDocument(props['AssumeRolePolicyDocument'], `${ctx.logicalId} AssumeRolePolicyDocument`);
    applyPolicies(ctx, current.physicalId, props);
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
};

/** AWS::IAM::Policy: one document attached to roles (CDK's grants land in a role's DefaultPolicy). */
export const iamPolicy: ResourceHandler = {
  create(props, ctx) {
    const physicalId = generatedName(ctx, 128);
    attach(ctx, physicalId, props);
    return { physicalId, attributes: {}, remove: () => detach(ctx, physicalId, props) };
  },
  update(current, props, ctx) {
    detach(ctx, current.physicalId, current.properties);
    attach(ctx, current.physicalId, props);
    return { physicalId: current.physicalId, attributes: {}, remove: () => detach(ctx, current.physicalId, props) };
  },
};

const rolesOf = (props: Record<string, unknown>): string[] => (Array.isArray(props['Roles']) ? props['Roles'].map(String) : []);

function attach(ctx: ResourceContext, physicalId: string, props: Record<string, unknown>): void {
  const statements = parsePolicyDocument(props['PolicyDocument'], `${ctx.logicalId} PolicyDocument`);
  for (const roleName of rolesOf(props)) ctx.target.model.iam.putRolePolicy(roleName, `policy-resource:${physicalId}`, statements);
}

function detach(ctx: ResourceContext, physicalId: string, props: Record<string, unknown>): void {
  for (const roleName of rolesOf(props)) ctx.target.model.iam.deleteRolePolicy(roleName, `policy-resource:${physicalId}`);
}
