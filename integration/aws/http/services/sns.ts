import { z } from 'zod';
import type { SnsService } from '../../model/sns.js';
import { type QueryOperation, type QueryParams, queryMap } from '../protocols/aws-query.js';
import { parseInput } from '../validate.js';
import { page } from './paging.js';

const topicArn = z.string().regex(/^arn:aws:sns:[^:]+:\d{12}:[\w-]{1,256}$/, 'expected an SNS topic ARN');

const Publish = z.object({
  TopicArn: topicArn,
  Message: z.string().min(1).max(262144),
  Subject: z.string().min(1).max(100).optional(),
});
const CreateTopic = z.object({ Name: z.string().regex(/^[\w-]{1,256}$/, 'expected 1-256 letters, digits, - or _') });
const ListTopics = z.object({ NextToken: z.string().optional() });

const fields = (params: QueryParams): Record<string, string> => Object.fromEntries(params);

/** Amazon SNS (awsQuery): the terminal function's notifications, and topics for tests to inspect. */
export function snsOperations(sns: SnsService): Record<string, QueryOperation> {
  return {
    Publish: async (params) => {
      // TargetArn is Publish's other name for a topic ARN.
      const raw = fields(params);
      const input = parseInput(Publish, { ...raw, TopicArn: raw.TopicArn ?? raw.TargetArn });
      const published = sns.publish({
        topicArn: input.TopicArn,
        message: input.Message,
        ...(input.Subject === undefined ? {} : { subject: input.Subject }),
      });
      return { MessageId: published.messageId };
    },
    CreateTopic: async (params) => {
      const input = parseInput(CreateTopic, fields(params));
      return { TopicArn: sns.createTopic(input.Name, queryMap(params, 'Attributes')).topicArn };
    },
    ListTopics: async (params) => {
      const input = parseInput(ListTopics, fields(params));
      const result = page(sns.listTopics(), input.NextToken, undefined, 100);
      return { Topics: result.items.map((t) => ({ TopicArn: t.topicArn })), ...(result.next ? { NextToken: result.next } : {}) };
    },
  };
}
