import { randomBytes } from 'node:crypto';
import type { AccountContext } from '../model/arn.js';
import { AwsError } from '../model/errors.js';
import { evaluate, type Decision, type RequestContext } from './policy-evaluation.js';
import type { Statement } from './policy-document.js';

export interface Role {
  roleName: string;
  roleId: string;
  arn: string;
  /** Who may assume it (AssumeRolePolicyDocument); an update replaces it. */
  trust: Statement[];
  /** Inline and attached policies, by policy name. */
  policies: Map<string, Statement[]>;
}

/** Temporary credentials of one role session, as STS hands them out (Lambda puts them in the environment). */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface RoleSession {
  roleName: string;
  sessionName: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`: the "User" in AccessDenied messages. */
  assumedRoleArn: string;
}

/** The request IAM decides: what, on which resources, over which transport. */
export interface Authorization {
  action: string;
  resources: string[];
  secureTransport: boolean;
}

/**
 * The account's IAM roles and the role sessions the stand-in issued (one per Lambda function).
 * Requests signed with a session's access key are checked against the role's policies and any
 * resource policy of the resource; the account's administrator (any other key) is not checked.
 */
export class IamService {
  private readonly roles = new Map<string, Role>();
  private readonly sessions = new Map<string, RoleSession>();
  private readonly resourcePolicies = new Map<string, Statement[]>();

  constructor(private readonly ctx: AccountContext) {}

  createRole(roleName: string, trust: Statement[], path = '/'): Role {
    if (this.roles.has(roleName)) throw new AwsError('ResourceAlreadyExistsException', `Role with name ${roleName} already exists.`);
    const role: Role = {
      roleName,
      roleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}`,
      arn: `arn:aws:iam::${this.ctx.accountId}:role${path}${roleName}`,
      trust,
      policies: new Map(),
    };
    this.roles.set(roleName, role);
    return role;
  }

  role(roleName: string): Role {
    const role = this.roles.get(roleName);
    if (!role) throw new AwsError('ResourceNotFoundException', `The role with name ${roleName} cannot be found.`);
    return role;
  }

  roleByArn(arn: string): Role {
    const role = [...this.roles.values()].find((r) => r.arn === arn);
    if (!role) throw new AwsError('ResourceNotFoundException', `The role ${arn} cannot be found.`);
    return role;
  }

  /** Sets (or replaces) one named policy of a role. */
  putRolePolicy(roleName: string, policyName: string, statements: Statement[]): void {
    this.role(roleName).policies.set(policyName, statements);
  }

  deleteRolePolicy(roleName: string, policyName: string): void {
    this.role(roleName).policies.delete(policyName);
  }

  /** A resource-based policy (an SNS topic policy), replacing any earlier one of that resource. */
  setResourcePolicy(resourceArn: string, statements: Statement[]): void {
    this.resourcePolicies.set(resourceArn, statements);
  }

  /** Whether `servicePrincipal` (e.g. `lambda.amazonaws.com`) may assume the role. */
  trusts(roleName: string, servicePrincipal: string): boolean {
    return this.role(roleName).trust.some(
      (s) =>
        s.effect === 'Allow' &&
        (s.actions ?? []).some((a) => a.toLowerCase() === 'sts:assumerole' || a === '*') &&
        s.principal !== undefined &&
        (s.principal === '*' || (s.principal['Service'] ?? []).includes(servicePrincipal)),
    );
  }

  /** Issues temporary credentials of a session of `roleName` named `sessionName`. */
  assumeRole(roleName: string, sessionName: string): SessionCredentials {
    const session = this.sessionFor(roleName, sessionName);
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    this.sessions.set(accessKeyId, session);
    return { accessKeyId, secretAccessKey: randomBytes(30).toString('base64'), sessionToken: randomBytes(64).toString('base64') };
  }

  /** The session a service opens when it acts with a role (no keys: it calls on the role's behalf). */
  sessionFor(roleName: string, sessionName: string): RoleSession {
    this.role(roleName);
    return { roleName, sessionName, assumedRoleArn: `arn:aws:sts::${this.ctx.accountId}:assumed-role/${roleName}/${sessionName}` };
  }

  /** The role session an access key belongs to; undefined for any key the stand-in did not issue. */
  sessionOf(accessKeyId: string): RoleSession | undefined {
    return this.sessions.get(accessKeyId);
  }

  /** Throws AccessDeniedException, worded as AWS words it, unless every resource is allowed. */
  authorize(session: RoleSession, request: Authorization): void {
    const role = this.role(session.roleName);
    const identity = [...role.policies.values()].flat();
    const keys = new Map<string, string>([
      ['aws:securetransport', String(request.secureTransport)],
      ['aws:principalarn', role.arn],
      ['aws:principalaccount', this.ctx.accountId],
      ['aws:principaltype', 'AssumedRole'],
      ['aws:userid', `${role.roleId}:${session.sessionName}`],
      ['aws:requestedregion', this.ctx.region],
    ]);
    for (const resource of request.resources) {
      const context: RequestContext = { action: request.action, resource, keys, principal: { arn: role.arn, account: this.ctx.accountId } };
      const byIdentity = evaluate(identity, context);
      const byResource: Decision = evaluate(this.resourcePolicies.get(resource) ?? [], context);
      if (byIdentity === 'ExplicitDeny' || byResource === 'ExplicitDeny') {
        throw accessDenied(session, request.action, resource, byIdentity === 'ExplicitDeny' ? 'an identity-based' : 'a resource-based');
      }
      if (byIdentity !== 'Allow' && byResource !== 'Allow') throw accessDenied(session, request.action, resource);
    }
  }

  /** Whether the session may make the request, for services acting with a role that report no error to anyone. */
  allows(session: RoleSession, request: Authorization): boolean {
    try {
      this.authorize(session, request);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * "User: <session> is not authorized to perform: <action> on resource: <arn> because no
 * identity-based policy allows the <action> action", as IAM phrases it; actions without a resource
 * type name no resource. SNS spells its prefix in capitals in these messages.
 */
function accessDenied(session: RoleSession, action: string, resource: string, explicitDenyIn?: string): AwsError {
  const named = action.startsWith('sns:') ? `SNS:${action.slice(4)}` : action;
  const on = resource === '*' ? '' : ` on resource: ${resource}`;
  const why =
    explicitDenyIn === undefined
      ? `because no identity-based policy allows the ${named} action`
      : `with an explicit deny in ${explicitDenyIn} policy`;
  return new AwsError('AccessDeniedException', `User: ${session.assumedRoleArn} is not authorized to perform: ${named}${on} ${why}`);
}
