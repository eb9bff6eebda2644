/**
 * What the HTTP APIs need beyond the AWS model: the broker outlet of the data-plane Publish and
 * the rules engine behind the topic-rule operations. Methods may answer with a promise.
 */
import type { TopicRule } from '../rules/rules-engine.js';

export type Awaitable<T> = T | Promise<T>;

/** Delivers a data-plane Publish to MQTT subscribers and the rules engine. */
export type PublishToBroker = (topic: string, payload: Buffer, qos: 0 | 1) => Awaitable<void>;

/** A topic rule as the rules engine keeps it. */
export type TopicRuleView = TopicRule;

export type TopicRulePayload = Omit<TopicRuleView, 'ruleName' | 'ruleArn' | 'createdAt'>;

/** The rules engine as the topic-rule operations see it; errors are the model's `AwsError`s. */
export interface TopicRulesPort {
  createTopicRule(ruleName: string, payload: TopicRulePayload): Awaitable<void>;
  getTopicRule(ruleName: string): Awaitable<TopicRuleView>;
  enableTopicRule(ruleName: string): Awaitable<void>;
  disableTopicRule(ruleName: string): Awaitable<void>;
}
