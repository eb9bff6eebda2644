import { certificateArn, iotArn } from '../model/arn.js';
import type { AwsModel } from '../model/aws-model.js';
import {
  evaluatePolicies,
  parsePolicyDocument,
  type Decision,
  type IotAction,
  type PolicyContext,
  type PolicyStatement,
} from './iot-policy.js';

export interface ConnectionIdentity {
  clientId: string;
  /** Certificate id. */
  principal: string;
}

/**
 * `$aws/` topics a device may publish on, whatever its policy says (AWS IoT's reserved topics:
 * requests to Jobs (in any namespace) and Device Shadow, telemetry, Basic Ingest). Replies, notifications and
 * `$aws/events/...` are published by AWS IoT alone.
 */
const DEVICE_PUBLISHABLE = [
  // Jobs requests, optionally in a namespace as Greengrass deployments use (`namespace-aws-gg-deployment`).
  /^\$aws\/things\/[^/]+\/jobs\/((namespace-[^/]+\/)?(get|start-next)|[^/]+\/(namespace-[^/]+\/)?(get|update))$/,
  /^\$aws\/things\/[^/]+\/shadow\/(name\/[^/]+\/)?(get|update|delete)$/,
  /^\$aws\/things\/[^/]+\/greengrass(v2)?\/health\/json$/,
  /^\$aws\/rules\/[^/]+(\/.*)?$/,
];

export function isDevicePublishable(topic: string): boolean {
  return !topic.startsWith('$') || DEVICE_PUBLISHABLE.some((pattern) => pattern.test(topic));
}

/**
 * AWS IoT's authorization of MQTT operations: the policies attached to the connection's
 * certificate, evaluated with the connection's policy variables. `iot:Connection.Thing.ThingName`
 * is the thing the certificate is attached to exclusively; with only non-exclusive attachments it
 * is the client id, when a thing of that name is attached to the certificate.
 */
export class BrokerAuthorization {
  private readonly parsed = new Map<string, PolicyStatement[]>();

  constructor(private readonly model: AwsModel) {}

  thingNameOf(identity: ConnectionIdentity): string | undefined {
    const attachments = this.model.registry.thingPrincipals.listForPrincipal(certificateArn(this.model, identity.principal));
    const exclusive = attachments.find((a) => a.thingPrincipalType === 'EXCLUSIVE_THING');
    if (exclusive) return exclusive.thingName;
    return attachments.some((a) => a.thingName === identity.clientId) ? identity.clientId : undefined;
  }

  decide(identity: ConnectionIdentity, action: IotAction, resource: string): Decision {
    const policies = this.model.registry.listAttachedPolicies(certificateArn(this.model, identity.principal));
    const statements = policies.flatMap((policy) => this.statementsOf(policy.policyName, policy.policyDocument));
    const thingName = this.thingNameOf(identity);
    const context: PolicyContext = {
      clientId: identity.clientId,
      certificateId: identity.principal,
      ...(thingName === undefined ? {} : { thingName }),
    };
    return evaluatePolicies(statements, action, iotArn(this.model, resource), context);
  }

  mayConnect(identity: ConnectionIdentity): boolean {
    return this.decide(identity, 'iot:Connect', `client/${identity.clientId}`) === 'allow';
  }

  mayPublish(identity: ConnectionIdentity, topic: string): boolean {
    return isDevicePublishable(topic) && this.decide(identity, 'iot:Publish', `topic/${topic}`) === 'allow';
  }

  maySubscribe(identity: ConnectionIdentity, filter: string): boolean {
    return this.decide(identity, 'iot:Subscribe', `topicfilter/${filter}`) === 'allow';
  }

  mayReceive(identity: ConnectionIdentity, topic: string): boolean {
    return this.decide(identity, 'iot:Receive', `topic/${topic}`) === 'allow';
  }

  private statementsOf(name: string, document: string): PolicyStatement[] {
    const key = `${name}\u0000${document}`;
    let statements = this.parsed.get(key);
    if (!statements) {
      statements = parsePolicyDocument(document);
      this.parsed.set(key, statements);
    }
    return statements;
  }
}
