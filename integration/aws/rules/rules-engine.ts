import { z } from 'zod';
import type { Logger } from '../../../shared/logging/logger.js';
import type { AccountContext } from '../model/arn.js';
import { iotArn } from '../model/arn.js';
import { AwsError } from '../model/errors.js';
import type { SelectStatement } from './sql-ast.js';
import { type MessageContext, runSelect } from './sql-eval.js';
import { parseSql, SqlParseError } from './sql-parser.js';
import { isValidTopicFilter, topicMatches } from './topic-filter.js';

/** The rule whose action invokes a function: Lambda checks the function's policy against it. */
export interface RuleSource {
  ruleName: string;
  ruleArn: string;
}

/** A Lambda handler as a rule action invokes it (asynchronous invocation: the result is dropped). */
export type RuleFunction = (event: Record<string, unknown>, rule: RuleSource) => Promise<unknown>;

export interface TopicRule {
  ruleName: string;
  ruleArn: string;
  sql: string;
  description?: string;
  awsIotSqlVersion?: string;
  ruleDisabled: boolean;
  /** As CreateTopicRule received them; `{ lambda: { functionArn } }` is the kind that runs here. */
  actions: unknown[];
  errorAction?: unknown;
  /** Epoch milliseconds. */
  createdAt: number;
}

export type TopicRuleInput = Omit<TopicRule, 'ruleName' | 'ruleArn' | 'createdAt' | 'ruleDisabled'> & {
  ruleDisabled?: boolean;
};

export interface RuleInvocation {
  ruleName: string;
  functionArn: string;
  event: Record<string, unknown>;
  outcome: 'succeeded' | 'failed' | 'no-function';
  error?: string;
}

const lambdaAction = z.object({ lambda: z.object({ functionArn: z.string().min(1) }) });
const RULE_NAME = /^[a-zA-Z0-9_]{1,128}$/;

interface StoredRule extends TopicRule {
  statement: SelectStatement;
}

/**
 * The AWS IoT rules engine for the SQL subset of the rotator's rules. Every message through the
 * broker goes to `handleMessage`; matching enabled rules invoke their Lambda actions
 * asynchronously, once (retryAttempts 0), and a failing function is logged, never rethrown.
 */
export class RulesEngine {
  private readonly rules = new Map<string, StoredRule>();
  private readonly functions = new Map<string, RuleFunction>();
  private readonly pending = new Set<Promise<void>>();
  private readonly history: RuleInvocation[] = [];

  constructor(
    private readonly ctx: AccountContext,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  /** Makes `functionArn` invocable by rule actions (the stand-in's Lambda service). */
  registerFunction(functionArn: string, handler: RuleFunction): void {
    this.functions.set(functionArn, handler);
  }

  unregisterFunction(functionArn: string): void {
    this.functions.delete(functionArn);
  }

  createTopicRule(ruleName: string, input: TopicRuleInput): void {
    if (!RULE_NAME.test(ruleName)) throw new AwsError('InvalidRequestException', `Invalid ruleName: ${ruleName}`);
    if (this.rules.has(ruleName)) throw new AwsError('ResourceAlreadyExistsException', `Rule ${ruleName} already exists`);
    let statement: SelectStatement;
    try {
      statement = parseSql(input.sql);
    } catch (error) {
      if (error instanceof SqlParseError) throw new AwsError('SqlParseException', error.message);
      throw error;
    }
    if (!isValidTopicFilter(statement.from)) throw new AwsError('SqlParseException', `Invalid topic filter: ${statement.from}`);
    this.rules.set(ruleName, {
      ...input,
      ruleName,
      ruleArn: iotArn(this.ctx, `rule/${ruleName}`),
      ruleDisabled: input.ruleDisabled ?? false,
      createdAt: this.now(),
      statement,
    });
  }

  /** A convenience for tests and demos: a rule whose one action calls `handler`. */
  addRule(ruleName: string, sql: string, handler: RuleFunction): void {
    const functionArn = `arn:aws:lambda:${this.ctx.region}:${this.ctx.accountId}:function:${ruleName}`;
    this.registerFunction(functionArn, handler);
    this.createTopicRule(ruleName, { sql, actions: [{ lambda: { functionArn } }] });
  }

  getTopicRule(ruleName: string): TopicRule {
    const { statement: _statement, ...rule } = this.stored(ruleName);
    return structuredClone(rule);
  }

  listTopicRules(): TopicRule[] {
    return [...this.rules.keys()].map((name) => this.getTopicRule(name));
  }

  enableTopicRule(ruleName: string): void {
    this.stored(ruleName).ruleDisabled = false;
  }

  disableTopicRule(ruleName: string): void {
    this.stored(ruleName).ruleDisabled = true;
  }

  deleteTopicRule(ruleName: string): void {
    this.stored(ruleName);
    this.rules.delete(ruleName);
  }

  /** Runs every enabled rule on one message. Never throws. */
  handleMessage(message: MessageContext): void {
    for (const rule of this.rules.values()) {
      if (rule.ruleDisabled || !topicMatches(rule.statement.from, message.topic)) continue;
      let event: Record<string, unknown> | undefined;
      try {
        event = runSelect(rule.statement, message);
      } catch (error) {
        this.logger.error('Rule SQL evaluation failed', { ruleName: rule.ruleName, error: (error as Error).message });
        continue;
      }
      if (event) for (const action of rule.actions) this.invoke(rule.ruleName, action, event);
    }
  }

  /** Resolves once every invocation started so far (and any they trigger) has finished. */
  async whenIdle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Every invocation so far, oldest first. */
  invocations(): RuleInvocation[] {
    return this.history.map((i) => ({ ...i }));
  }

  private invoke(ruleName: string, action: unknown, event: Record<string, unknown>): void {
    const parsed = lambdaAction.safeParse(action);
    if (!parsed.success) {
      this.logger.warn('Rule action kind not supported by the stand-in', { ruleName });
      return;
    }
    const { functionArn } = parsed.data.lambda;
    const handler = this.functions.get(functionArn);
    if (!handler) {
      this.history.push({ ruleName, functionArn, event, outcome: 'no-function' });
      this.logger.error('Rule action function not found', { ruleName, functionArn });
      return;
    }
    const run = (async () => {
      // Like an asynchronous Lambda invoke: the handler runs after the publish has returned.
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        await handler(structuredClone(event), { ruleName, ruleArn: iotArn(this.ctx, `rule/${ruleName}`) });
        this.history.push({ ruleName, functionArn, event, outcome: 'succeeded' });
      } catch (error) {
        this.history.push({ ruleName, functionArn, event, outcome: 'failed', error: (error as Error).message });
        this.logger.error('Rule action function failed', { ruleName, functionArn, error: (error as Error).message });
      }
    })();
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  private stored(ruleName: string): StoredRule {
    const rule = this.rules.get(ruleName);
    // AWS IoT answers UnauthorizedException, not ResourceNotFoundException, for an unknown rule.
    if (!rule) throw new AwsError('UnauthorizedException', `Rule ${ruleName} does not exist`);
    return rule;
  }
}
