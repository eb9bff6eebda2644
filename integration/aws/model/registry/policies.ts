import { type AccountContext, policyArn } from '../arn.js';
import { AwsError, notFound } from '../errors.js';

export interface Policy {
  policyName: string;
  policyArn: string;
  policyDocument: string;
  defaultVersionId: string;
  creationDate: number;
}

const NAME = /^[\w+=,.@-]{1,128}$/;

/** IoT policies and their attachments to targets (certificate ARNs, thing group ARNs). */
export class PolicyStore {
  private readonly policies = new Map<string, Policy>();
  /** policy name -> targets */
  private readonly targets = new Map<string, Set<string>>();

  constructor(
    private readonly ctx: AccountContext,
    private readonly now: () => number,
  ) {}

  createPolicy(policyName: string, policyDocument: string): Policy {
    if (!NAME.test(policyName)) throw new AwsError('InvalidRequestException', `Invalid policyName: ${policyName}`);
    if (this.policies.has(policyName)) {
      throw new AwsError('ResourceAlreadyExistsException', `Policy ${policyName} already exists`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(policyDocument);
    } catch {
      throw new AwsError('MalformedPolicyException', 'policyDocument is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed)) {
      throw new AwsError('MalformedPolicyException', 'policyDocument has no Statement');
    }
    const policy: Policy = {
      policyName,
      policyArn: policyArn(this.ctx, policyName),
      policyDocument,
      defaultVersionId: '1',
      creationDate: this.now(),
    };
    this.policies.set(policyName, policy);
    this.targets.set(policyName, new Set());
    return { ...policy };
  }

  getPolicy(policyName: string): Policy {
    const policy = this.policies.get(policyName);
    if (!policy) throw notFound(`Policy ${policyName} cannot be found.`);
    return { ...policy };
  }

  listPolicies(): Policy[] {
    return [...this.policies.values()].map((p) => ({ ...p }));
  }

  deletePolicy(policyName: string): void {
    this.getPolicy(policyName);
    if ((this.targets.get(policyName)?.size ?? 0) > 0) {
      throw new AwsError('DeleteConflictException', `Policy ${policyName} is attached to one or more targets`);
    }
    this.policies.delete(policyName);
    this.targets.delete(policyName);
  }

  /** The target must exist; the registry facade checks that before calling. Idempotent. */
  attachPolicy(policyName: string, target: string): void {
    this.getPolicy(policyName);
    this.targets.get(policyName)?.add(target);
  }

  detachPolicy(policyName: string, target: string): void {
    this.getPolicy(policyName);
    this.targets.get(policyName)?.delete(target);
  }

  /** ListAttachedPolicies / ListPrincipalPolicies. */
  listAttachedPolicies(target: string): Policy[] {
    return [...this.targets.entries()].filter(([, set]) => set.has(target)).map(([name]) => this.getPolicy(name));
  }

  listTargetsForPolicy(policyName: string): string[] {
    this.getPolicy(policyName);
    return [...(this.targets.get(policyName) ?? [])];
  }

  detachAll(target: string): void {
    for (const set of this.targets.values()) set.delete(target);
  }
}
