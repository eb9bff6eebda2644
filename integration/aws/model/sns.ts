import { randomUUID } from 'node:crypto';
import type { AccountContext } from './arn.js';
import { AwsError } from './errors.js';
import { Listeners } from './listeners.js';

export interface SnsTopic {
  topicArn: string;
  name: string;
  attributes: Record<string, string>;
}

export interface SnsMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  /** Epoch milliseconds. */
  publishedAt: number;
}

/** SNS topics and the log of everything published to them. */
export class SnsService {
  private readonly topics = new Map<string, SnsTopic>();
  private readonly log: SnsMessage[] = [];
  private readonly listeners = new Listeners<SnsMessage>();

  constructor(
    private readonly ctx: AccountContext,
    private readonly now: () => number,
  ) {}

  /** Idempotent, as SNS CreateTopic is. */
  createTopic(name: string, attributes: Record<string, string> = {}): SnsTopic {
    if (!/^[\w-]{1,256}$/.test(name)) throw new AwsError('InvalidParameterException', `Invalid parameter: Topic Name`);
    const topicArn = `arn:aws:sns:${this.ctx.region}:${this.ctx.accountId}:${name}`;
    const existing = this.topics.get(topicArn);
    if (existing) return { ...existing };
    const topic = { topicArn, name, attributes: { ...attributes } };
    this.topics.set(topicArn, topic);
    return { ...topic };
  }

  listTopics(): SnsTopic[] {
    return [...this.topics.values()].map((t) => ({ ...t }));
  }

  deleteTopic(topicArn: string): void {
    this.topics.delete(topicArn);
  }

  publish(params: { topicArn: string; message: string; subject?: string }): { messageId: string } {
    if (!this.topics.has(params.topicArn)) throw new AwsError('NotFoundException', 'Topic does not exist');
    if (params.message.length === 0) throw new AwsError('InvalidParameterException', 'Empty message');
    const entry: SnsMessage = {
      messageId: randomUUID(),
      topicArn: params.topicArn,
      ...(params.subject === undefined ? {} : { subject: params.subject }),
      message: params.message,
      publishedAt: this.now(),
    };
    this.log.push(entry);
    this.listeners.emit(entry);
    return { messageId: entry.messageId };
  }

  /** Every message published so far, oldest first (optionally of one topic). */
  messages(topicArn?: string): SnsMessage[] {
    return this.log.filter((m) => topicArn === undefined || m.topicArn === topicArn).map((m) => ({ ...m }));
  }

  onMessage(listener: (message: SnsMessage) => void): () => void {
    return this.listeners.add(listener);
  }
}
