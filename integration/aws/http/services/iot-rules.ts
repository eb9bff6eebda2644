import { z } from 'zod';
import type { TopicRulesPort } from '../model-port.js';
import { jsonBody, type RestRoute } from '../protocols/rest-json.js';
import { epochSeconds, parseInput } from '../validate.js';

const ruleName = z.string().regex(/^[a-zA-Z0-9_]{1,128}$/, 'expected 1-128 letters, digits or _');
const RuleName = z.object({ ruleName });
const CreateRule = z.object({
  ruleName,
  sql: z.string().min(1),
  description: z.string().optional(),
  // Actions stay opaque here: the rules engine decides which kinds it can run.
  actions: z.array(z.record(z.string(), z.unknown())),
  ruleDisabled: z.boolean().optional(),
  awsIotSqlVersion: z.string().optional(),
  errorAction: z.record(z.string(), z.unknown()).optional(),
});

/** AWS IoT topic rules, served by the stand-in's rules engine. */
export function ruleRoutes(rules: TopicRulesPort): RestRoute[] {
  return [
    {
      operation: 'CreateTopicRule',
      method: 'POST',
      path: '/rules/{ruleName}',
      handle: async (req) => {
        // The body is the TopicRulePayload itself (an @httpPayload member).
        const { ruleName: name, ...payload } = parseInput(CreateRule, { ...(jsonBody(req) as object), ...req.labels });
        await rules.createTopicRule(name, { ...payload, ruleDisabled: payload.ruleDisabled ?? false });
        return undefined;
      },
    },
    {
      operation: 'GetTopicRule',
      method: 'GET',
      path: '/rules/{ruleName}',
      handle: async (req) => {
        const rule = await rules.getTopicRule(parseInput(RuleName, req.labels).ruleName);
        const { ruleArn, createdAt, ...rest } = rule;
        return { json: { ruleArn, rule: { ...rest, createdAt: epochSeconds(createdAt) } } };
      },
    },
    {
      operation: 'EnableTopicRule',
      method: 'POST',
      path: '/rules/{ruleName}/enable',
      handle: async (req) => {
        await rules.enableTopicRule(parseInput(RuleName, req.labels).ruleName);
        return undefined;
      },
    },
    {
      operation: 'DisableTopicRule',
      method: 'POST',
      path: '/rules/{ruleName}/disable',
      handle: async (req) => {
        await rules.disableTopicRule(parseInput(RuleName, req.labels).ruleName);
        return undefined;
      },
    },
  ];
}
