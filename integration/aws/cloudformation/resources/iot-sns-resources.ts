import { parsePolicyDocument } from '../../iam/policy-document.js';
import { iotArn } from '../../model/arn.js';
import {
  generatedName,
  optionalNumber,
  optionalString,
  record,
  stringProp,
  type ResourceContext,
  type ResourceHandler,
} from '../resource-handler.js';

/** The Lambda actions of a rule: the rules engine hands their events to Lambda as IoT would, checked against the function's policy. */
function connectLambdaActions(actions: unknown[], ruleArn: string, ctx: ResourceContext): unknown[] {
  const { lambda, rules, model } = ctx.target;
  return actions.map((entry) => {
    const action = record(entry);
    const functionArn = optionalString(record(action['Lambda']), 'FunctionArn');
    if (functionArn === undefined) {
      ctx.target.logger.warn('Topic rule action not run by the stand-in', { rule: ctx.logicalId, action: Object.keys(action).join(',') });
      return action;
    }
    rules.registerFunction(functionArn, (event, rule) =>
      lambda.invokeAsync(functionArn, event, { principal: 'iot.amazonaws.com', sourceArn: rule.ruleArn, sourceAccount: model.accountId }),
    );
    return { lambda: { functionArn } };
  });
}

export const topicRule: ResourceHandler = {
  create(props, ctx) {
    const ruleName = optionalString(props, 'RuleName') ?? generatedName(ctx, 128).replace(/-/g, '_');
    const payload = record(props['TopicRulePayload']);
    const ruleArn = iotArn(ctx.target.model, `rule/${ruleName}`);
    const description = optionalString(payload, 'Description');
    const sqlVersion = optionalString(payload, 'AwsIotSqlVersion');
    ctx.target.rules.createTopicRule(ruleName, {
      sql: stringProp(payload, 'Sql', ctx),
      ...(description === undefined ? {} : { description }),
      ...(sqlVersion === undefined ? {} : { awsIotSqlVersion: sqlVersion }),
      ruleDisabled: payload['RuleDisabled'] === true || payload['RuleDisabled'] === 'true',
      actions: connectLambdaActions(Array.isArray(payload['Actions']) ? payload['Actions'] : [], ruleArn, ctx),
    });
    return { physicalId: ruleName, attributes: { Arn: ruleArn }, remove: () => ctx.target.rules.deleteTopicRule(ruleName) };
  },
};

export const jobTemplate: ResourceHandler = {
  create(props, ctx) {
    const rollout = record(props['JobExecutionsRolloutConfig']);
    const exponential = record(rollout['ExponentialRolloutRate']);
    const criteria = record(exponential['RateIncreaseCriteria']);
    const maximumPerMinute = optionalNumber(rollout, 'MaximumPerMinute');
    const inProgress = optionalNumber(record(props['TimeoutConfig']), 'InProgressTimeoutInMinutes');
    const notified = optionalNumber(criteria, 'NumberOfNotifiedThings');
    const succeeded = optionalNumber(criteria, 'NumberOfSucceededThings');
    const description = optionalString(props, 'Description');
    const created = ctx.target.model.jobTemplates.createJobTemplate({
      jobTemplateId: stringProp(props, 'JobTemplateId', ctx),
      ...(description === undefined ? {} : { description }),
      document: stringProp(props, 'Document', ctx),
      jobExecutionsRolloutConfig: {
        ...(maximumPerMinute === undefined ? {} : { maximumPerMinute }),
        ...(Object.keys(exponential).length === 0
          ? {}
          : {
              exponentialRate: {
                baseRatePerMinute: optionalNumber(exponential, 'BaseRatePerMinute') ?? 1,
                incrementFactor: optionalNumber(exponential, 'IncrementFactor') ?? 1.1,
                rateIncreaseCriteria: {
                  ...(notified === undefined ? {} : { numberOfNotifiedThings: notified }),
                  ...(succeeded === undefined ? {} : { numberOfSucceededThings: succeeded }),
                },
              },
            }),
      },
      ...(inProgress === undefined ? {} : { timeoutConfig: { inProgressTimeoutInMinutes: inProgress } }),
    });
    return {
      physicalId: created.jobTemplateId,
      attributes: { Arn: created.jobTemplateArn },
      remove: () => ctx.target.model.jobTemplates.deleteJobTemplate(created.jobTemplateId),
    };
  },
};

export const snsTopic: ResourceHandler = {
  create(props, ctx) {
    const name = optionalString(props, 'TopicName') ?? generatedName(ctx, 256);
    const attributes: Record<string, string> = {};
    const displayName = optionalString(props, 'DisplayName');
    const kmsKey = optionalString(props, 'KmsMasterKeyId');
    if (displayName !== undefined) attributes['DisplayName'] = displayName;
    if (kmsKey !== undefined) attributes['KmsMasterKeyId'] = kmsKey;
    const topic = ctx.target.model.sns.createTopic(name, attributes);
    return {
      physicalId: topic.topicArn,
      attributes: { TopicArn: topic.topicArn, TopicName: topic.name },
      remove: () => ctx.target.model.sns.deleteTopic(topic.topicArn),
    };
  },
};

/** A topic policy is a resource policy: IAM weighs it with the caller's own when SNS is called. */
export const snsTopicPolicy: ResourceHandler = {
  create(props, ctx) {
    apply(props, ctx);
    return { physicalId: generatedName(ctx), attributes: {} };
  },
  update(current, props, ctx) {
    apply(props, ctx);
    return { physicalId: current.physicalId, attributes: {} };
  },
};

function apply(props: Record<string, unknown>, ctx: ResourceContext): void {
  const statements = parsePolicyDocument(props['PolicyDocument'], `${ctx.logicalId} PolicyDocument`);
  for (const topicArn of Array.isArray(props['Topics']) ? props['Topics'].map(String) : [])
    ctx.target.model.iam.setResourcePolicy(topicArn, statements);
}
