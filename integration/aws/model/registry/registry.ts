import type { AccountContext } from '../arn.js';
import { certificateArn, parseIotArn } from '../arn.js';
import type { KeySpec } from '../ca/keys.js';
import type { LocalAuthorities, ValidityPeriod } from '../ca/local-authorities.js';
import { notFound } from '../errors.js';
import { type CertificateRecord, type CertificateStatus, CertificateStore } from './certificates.js';
import { type Policy, PolicyStore } from './policies.js';
import { type DetachPropagation, detachPropagationOf } from './detach-propagation.js';
import { type ThingPrincipal, ThingPrincipals, type ThingPrincipalType } from './principals.js';
import { ThingStore } from './things.js';

export interface IssuedCertificate {
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
}

export interface ProvisionedDevice extends IssuedCertificate {
  thingName: string;
  thingArn: string;
  privateKeyPem: string;
}

export interface RegistryOptions {
  /**
   * How long a detached thing principal keeps counting as attached: a fixed delay in ms, or a
   * function drawing one per detach. Default: AWS's behaviour (awsDetachPropagation).
   */
  detachPropagationDelayMs?: number | DetachPropagation;
  onListenerError?: (error: unknown) => void;
}

/**
 * The AWS IoT registry: things and groups, certificates, policies and thing principals. Methods
 * that span several stores live here, named after the AWS IoT operations they model.
 */
export class IotRegistry {
  readonly things: ThingStore;
  readonly certificates: CertificateStore;
  readonly policies: PolicyStore;
  readonly thingPrincipals: ThingPrincipals;
  /** Changeable at run time, so a fault can widen the window in which DeleteCertificate conflicts. */
  detachPropagation: DetachPropagation;

  constructor(
    private readonly ctx: AccountContext,
    now: () => number,
    private readonly authorities: LocalAuthorities,
    options: RegistryOptions = {},
  ) {
    this.detachPropagation = detachPropagationOf(options.detachPropagationDelayMs);
    this.things = new ThingStore(ctx, now);
    this.policies = new PolicyStore(ctx, now);
    this.thingPrincipals = new ThingPrincipals(now, () => this.detachPropagation());
    this.certificates = new CertificateStore(
      ctx,
      now,
      {
        thingsOf: (arn) => this.thingPrincipals.listForPrincipal(arn).map((a) => a.thingName),
        policiesOf: (arn) => this.policies.listAttachedPolicies(arn).map((p) => p.policyName),
      },
      options.onListenerError,
    );
  }

  async createCertificateFromCsr(certificateSigningRequest: string, setAsActive = false): Promise<IssuedCertificate> {
    const pem = await this.authorities.signCsrAsAwsIot(certificateSigningRequest);
    return this.issued(this.certificates.add(pem, setAsActive ? 'ACTIVE' : 'INACTIVE'));
  }

  registerCertificateWithoutCA(certificatePem: string, status: CertificateStatus = 'INACTIVE'): IssuedCertificate {
    return this.issued(this.certificates.add(certificatePem, status));
  }

  /** CreateKeysAndCertificate, signed by the stand-in's device CA. The key never leaves the reply. */
  async createKeysAndCertificate(
    setAsActive = false,
    keySpec?: KeySpec,
    subject = 'CN=AWS IoT Certificate',
    validity?: ValidityPeriod,
  ): Promise<IssuedCertificate & { privateKeyPem: string }> {
    const credentials = await this.authorities.issueDeviceCredentials(subject, keySpec, validity);
    const record = this.certificates.add(credentials.certificatePem, setAsActive ? 'ACTIVE' : 'INACTIVE');
    return { ...this.issued(record), privateKeyPem: credentials.privateKeyPem };
  }

  updateCertificate(certificateId: string, newStatus: CertificateStatus): void {
    this.certificates.updateCertificate(certificateId, newStatus);
  }

  describeCertificate(certificateId: string): CertificateRecord {
    return this.certificates.describeCertificate(certificateId);
  }

  /** forceDelete also detaches the certificate's policies, as AWS IoT does. */
  deleteCertificate(certificateId: string, forceDelete = false): void {
    const { certificateArn } = this.certificates.describeCertificate(certificateId);
    this.certificates.deleteCertificate(certificateId, forceDelete);
    this.policies.detachAll(certificateArn);
  }

  attachThingPrincipal(thingName: string, principal: string, type: ThingPrincipalType = 'NON_EXCLUSIVE_THING'): void {
    this.things.describeThing(thingName);
    this.requirePrincipal(principal);
    this.thingPrincipals.attach(thingName, principal, type);
  }

  detachThingPrincipal(thingName: string, principal: string): void {
    this.things.describeThing(thingName);
    this.thingPrincipals.detach(thingName, principal);
  }

  listThingPrincipals(thingName: string): string[] {
    this.things.describeThing(thingName);
    return this.thingPrincipals.listForThing(thingName).map((a) => a.principal);
  }

  listThingPrincipalsV2(thingName: string, thingPrincipalType?: ThingPrincipalType): ThingPrincipal[] {
    this.things.describeThing(thingName);
    return this.thingPrincipals.listForThing(thingName, thingPrincipalType);
  }

  listPrincipalThings(principal: string): string[] {
    this.requirePrincipal(principal);
    return this.thingPrincipals.listForPrincipal(principal).map((a) => a.thingName);
  }

  listPrincipalThingsV2(principal: string, thingPrincipalType?: ThingPrincipalType): ThingPrincipal[] {
    this.requirePrincipal(principal);
    return this.thingPrincipals.listForPrincipal(principal, thingPrincipalType);
  }

  attachPolicy(policyName: string, target: string): void {
    this.policies.getPolicy(policyName);
    if (parseIotArn(this.ctx, target, 'cert') !== undefined) this.requirePrincipal(target);
    this.policies.attachPolicy(policyName, target);
  }

  detachPolicy(policyName: string, target: string): void {
    this.policies.detachPolicy(policyName, target);
  }

  /** ListAttachedPolicies and the older ListPrincipalPolicies. */
  listAttachedPolicies(target: string): Policy[] {
    return this.policies.listAttachedPolicies(target);
  }

  /** Whether `principal` (certificate id or ARN) is attached to `thingName`, e.g. for topic policies. */
  isPrincipalOfThing(principal: string, thingName: string): boolean {
    const arn = principal.startsWith('arn:') ? principal : certificateArn(this.ctx, principal);
    return this.thingPrincipals.listForThing(thingName).some((a) => a.principal === arn);
  }

  /**
   * Provisions a device as a fleet operator would: the thing, an ACTIVE device-CA certificate
   * attached exclusively, the policy (created on first use) and thing group membership. A
   * `validity` gives the certificate chosen dates (a fleet whose certificates come due at
   * different times).
   */
  async provisionDevice(params: {
    thingName: string;
    keySpec?: KeySpec;
    validity?: ValidityPeriod;
    policyName?: string;
    policyDocument?: string;
    thingGroupName?: string;
  }): Promise<ProvisionedDevice> {
    const thing = this.things.createThing(params.thingName);
    const cert = await this.createKeysAndCertificate(true, params.keySpec, `CN=${params.thingName}`, params.validity);
    this.attachThingPrincipal(thing.thingName, cert.certificateArn, 'EXCLUSIVE_THING');
    if (params.policyName !== undefined) {
      const exists = this.policies.listPolicies().some((p) => p.policyName === params.policyName);
      if (!exists) this.policies.createPolicy(params.policyName, params.policyDocument ?? ALLOW_ALL_POLICY);
      this.attachPolicy(params.policyName, cert.certificateArn);
    }
    if (params.thingGroupName !== undefined) {
      this.things.createThingGroup(params.thingGroupName);
      this.things.addThingToThingGroup(params.thingGroupName, thing.thingName);
    }
    return { thingName: thing.thingName, thingArn: thing.thingArn, ...cert };
  }

  private requirePrincipal(principal: string): void {
    const id = parseIotArn(this.ctx, principal, 'cert');
    if (id === undefined || this.certificates.find(id) === undefined) {
      throw notFound(`Principal ${principal} cannot be found.`);
    }
  }

  private issued(record: CertificateRecord): IssuedCertificate {
    return {
      certificateId: record.certificateId,
      certificateArn: record.certificateArn,
      certificatePem: record.certificatePem,
    };
  }
}

export const ALLOW_ALL_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }],
});
