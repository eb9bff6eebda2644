import { randomUUID } from 'node:crypto';
import { references, resolve, TemplateError, type ResolveContext } from './intrinsics.js';
import type { DeployedResource, ResourceContext, ResourceHandler, StackTarget } from './resource-handler.js';
import { cloudWatchAlarm, cloudWatchDashboard } from './resources/cloudwatch.js';
import { customResource } from './resources/custom-resources.js';
import { iamPolicy, iamRole } from './resources/iam-resources.js';
import { jobTemplate, snsTopic, snsTopicPolicy, topicRule } from './resources/iot-sns-resources.js';
import { eventInvokeConfig, lambdaFunction, lambdaPermission, logGroup } from './resources/lambda-resources.js';
import { eventsRule, schedulerSchedule } from './resources/schedules.js';

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

export interface Template {
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

const HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  'AWS::IAM::Role': iamRole,
  'AWS::IAM::Policy': iamPolicy,
  'AWS::Logs::LogGroup': logGroup,
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::Lambda::EventInvokeConfig': eventInvokeConfig,
  'AWS::Lambda::Permission': lambdaPermission,
  'AWS::SNS::Topic': snsTopic,
  'AWS::SNS::TopicPolicy': snsTopicPolicy,
  'AWS::IoT::TopicRule': topicRule,
  'AWS::IoT::JobTemplate': jobTemplate,
  'AWS::Events::Rule': eventsRule,
  'AWS::Scheduler::Schedule': schedulerSchedule,
  'AWS::CloudFormation::CustomResource': customResource,
  'AWS::CloudWatch::Alarm': cloudWatchAlarm,
  'AWS::CloudWatch::Dashboard': cloudWatchDashboard,
};

const handlerOf = (type: string): ResourceHandler | undefined => (type.startsWith('Custom::') ? customResource : HANDLERS[type]);

/** Resources in an order where each comes after everything it refers to or depends on. */
function creationOrder(resources: Record<string, TemplateResource>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new TemplateError(`circular dependency: ${[...path, id].join(' -> ')}`);
    const resource = resources[id];
    if (!resource) throw new TemplateError(`${path.at(-1) ?? 'template'} refers to ${id}, which the template does not declare`);
    state.set(id, 'visiting');
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const next of [...dependsOn, ...references(resource.Properties)]) if (next in resources) visit(next, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of Object.keys(resources)) visit(id, []);
  return order;
}

/**
 * A CloudFormation stack in the stand-in: the template's resources created in dependency order
 * through the stand-in's services, rolled back when one fails, updated in place where the
 * resource allows it, and deleted in reverse order. Resource types the stand-in does not model
 * are named in a log line and left out.
 */
export class CloudFormationStack {
  readonly stackId: string;
  private resources = new Map<string, DeployedResource>();
  private template: Template = { Resources: {} };

  private constructor(
    private readonly target: StackTarget,
    readonly stackName: string,
  ) {
    const { region, accountId } = target.model;
    this.stackId = `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/${randomUUID()}`;
  }

  static async create(target: StackTarget, stackName: string, template: Template): Promise<CloudFormationStack> {
    const stack = new CloudFormationStack(target, stackName);
    await stack.apply(template);
    return stack;
  }

  /** UpdateStack: creates what is new, updates what changed, deletes what is gone. */
  async update(template: Template): Promise<void> {
    await this.apply(template);
  }

  async delete(): Promise<void> {
    for (const id of [...this.resources.keys()].reverse()) await this.remove(id);
  }

  physicalId(logicalId: string): string {
    const resource = this.resources.get(logicalId);
    if (!resource) throw new Error(`stack ${this.stackName} has no resource ${logicalId}`);
    return resource.physicalId;
  }

  /** Logical ids of the deployed resources of a type. */
  logicalIdsOf(type: string): string[] {
    return [...this.resources].filter(([, r]) => r.type === type).map(([id]) => id);
  }

  outputs(): Record<string, unknown> {
    const ctx = this.resolveContext(this.template);
    return Object.fromEntries(Object.entries(this.template.Outputs ?? {}).map(([name, output]) => [name, resolve(output.Value, ctx)]));
  }

  private async apply(template: Template): Promise<void> {
    const previous = this.template;
    const ctx = this.resolveContext(template);
    const wanted = creationOrder(template.Resources).filter((id) => {
      const condition = template.Resources[id]?.Condition;
      return condition === undefined || ctx.condition(condition);
    });
    const created: string[] = [];
    const updated: Array<[string, DeployedResource]> = [];
    this.template = template;
    try {
      for (const id of wanted) {
        const before = this.resources.get(id);
        const outcome = await this.applyOne(id, template.Resources[id] as TemplateResource, ctx);
        if (outcome === 'created') created.push(id);
        if (outcome === 'updated' && before) updated.push([id, before]);
      }
    } catch (error) {
      // Roll back what this operation created or changed, as CloudFormation does.
      for (const id of created.reverse()) await this.remove(id).catch(() => undefined);
      for (const [id, before] of updated.reverse()) await this.restore(id, before).catch(() => undefined);
      this.template = previous;
      throw error;
    }
    for (const id of [...this.resources.keys()].reverse()) if (!wanted.includes(id)) await this.remove(id);
  }

  /** Puts an updated resource back as it was before a failed operation. */
  private async restore(id: string, before: DeployedResource): Promise<void> {
    const now = this.resources.get(id);
    const handler = handlerOf(before.type);
    if (!now || !handler?.update) return;
    const context: ResourceContext = {
      target: this.target,
      stackName: this.stackName,
      stackId: this.stackId,
      logicalId: id,
      type: before.type,
      resources: this.resources,
    };
    this.resources.set(id, {
      ...(await handler.update(now, before.properties, context)),
      type: before.type,
      properties: before.properties,
    });
  }

  /** Creates or updates one resource, or leaves it as it is. */
  private async applyOne(id: string, declared: TemplateResource, ctx: ResolveContext): Promise<'created' | 'updated' | 'unchanged'> {
    const properties = (resolve(declared.Properties ?? {}, ctx) ?? {}) as Record<string, unknown>;
    const current = this.resources.get(id);
    const resourceContext: ResourceContext = {
      target: this.target,
      stackName: this.stackName,
      stackId: this.stackId,
      logicalId: id,
      type: declared.Type,
      resources: this.resources,
    };
    const handler = handlerOf(declared.Type);
    const fail = (error: unknown): never => {
      if (error instanceof Error && /^(CREATE|UPDATE)_FAILED /.test(error.message)) throw error;
      throw new Error(`${current ? 'UPDATE' : 'CREATE'}_FAILED ${id} (${declared.Type}): ${(error as Error).message}`, { cause: error });
    };
    if (current && current.type !== declared.Type)
      fail(new Error(`its type changed from ${current.type}; the stand-in does not replace resources`));
    if (!handler) {
      if (declared.Type !== 'AWS::CDK::Metadata')
        this.target.logger.warn('Resource type not modelled by the stand-in; not created', { logicalId: id, type: declared.Type });
      this.resources.set(id, {
        type: declared.Type,
        physicalId: current?.physicalId ?? `${this.stackName}-${id}`,
        attributes: {},
        properties,
      });
      return current === undefined ? 'created' : 'unchanged';
    }
    if (current && JSON.stringify(current.properties) === JSON.stringify(properties)) return 'unchanged';
    try {
      if (current) {
        if (!handler.update) throw new Error('the stand-in cannot update this resource type in place');
        this.resources.set(id, { ...(await handler.update(current, properties, resourceContext)), type: declared.Type, properties });
        return 'updated';
      }
      this.resources.set(id, { ...(await handler.create(properties, resourceContext)), type: declared.Type, properties });
      return 'created';
    } catch (error) {
      return fail(error);
    }
  }

  private async remove(id: string): Promise<void> {
    const resource = this.resources.get(id);
    this.resources.delete(id);
    await resource?.remove?.();
  }

  private resolveContext(template: Template): ResolveContext {
    const { region, accountId } = this.target.model;
    const pseudo: Record<string, string> = {
      'AWS::AccountId': accountId,
      'AWS::Region': region,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stackName,
      'AWS::StackId': this.stackId,
    };
    const conditions = new Map<string, boolean>();
    const ctx: ResolveContext = {
      ref: (name) => {
        if (name in pseudo) return pseudo[name] as string;
        const parameter = template.Parameters?.[name];
        if (parameter) {
          if (parameter.Default === undefined) throw new TemplateError(`parameter ${name} has no value`);
          return String(parameter.Default);
        }
        const resource = this.resources.get(name);
        if (!resource) throw new TemplateError(`Ref ${name}: no such resource or parameter (yet)`);
        return resource.physicalId;
      },
      getAtt: (logicalId, attribute) => {
        const value = this.resources.get(logicalId)?.attributes[attribute];
        if (value === undefined) throw new TemplateError(`Fn::GetAtt ${logicalId}.${attribute}: no such attribute`);
        return value;
      },
      condition: (name) => {
        if (!conditions.has(name)) {
          const declared = template.Conditions?.[name];
          if (declared === undefined) throw new TemplateError(`condition ${name} is not declared`);
          conditions.set(name, resolve(declared, ctx) === true);
        }
        return conditions.get(name) as boolean;
      },
    };
    return ctx;
  }
}
