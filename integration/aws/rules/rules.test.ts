import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../shared/logging/logger.js';
import { RulesEngine } from './rules-engine.js';
import { runSelect } from './sql-eval.js';
import { parseSql } from './sql-parser.js';
import { topicMatches } from './topic-filter.js';

const CREATE_SQL =
  "SELECT *, topic(3) AS thingName, topic() as topic, clientid() AS clientId, principal() AS principal FROM 'awslabs/things/+/certificate/create'";
const TERMINAL_SQL = "SELECT * FROM '$aws/events/jobExecution/#' WHERE isUndefined(statusDetails.CertificateRotator) = false";
const PRINCIPAL = 'a'.repeat(64);

const message = (topic: string, payload: unknown, clientId?: string) => ({
  topic,
  payload: Buffer.from(JSON.stringify(payload)),
  timestamp: 0,
  ...(clientId ? { clientId, principal: PRINCIPAL } : {}),
});

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('rule SQL', () => {
  it('projects the payload, then the named values, which a payload cannot override', () => {
    const out = runSelect(
      parseSql(CREATE_SQL),
      message('awslabs/things/core-1/certificate/create', { jobId: 'j', csr: 'PEM', thingName: 'evil', principal: 'evil' }, 'core-1#2'),
    );
    expect(out).toEqual({
      jobId: 'j',
      csr: 'PEM',
      thingName: 'core-1',
      topic: 'awslabs/things/core-1/certificate/create',
      clientId: 'core-1#2',
      principal: PRINCIPAL,
    });
  });

  it('filters job execution events on isUndefined(statusDetails.CertificateRotator) = false', () => {
    const statement = parseSql(TERMINAL_SQL);
    expect(statement.from).toBe('$aws/events/jobExecution/#');
    const ours = { status: 'FAILED', statusDetails: { CertificateRotator: true } };
    expect(runSelect(statement, message('$aws/events/jobExecution/j/failed', ours))).toEqual(ours);
    expect(runSelect(statement, message('$aws/events/jobExecution/j/failed', { status: 'FAILED', statusDetails: {} }))).toBeUndefined();
    expect(runSelect(statement, message('$aws/events/jobExecution/j/failed', { status: 'FAILED' }))).toBeUndefined();
  });

  it('evaluates comparisons, AND/OR/NOT and nested paths', () => {
    const run = (where: string, payload: unknown) =>
      runSelect(parseSql(`SELECT a.b AS v FROM 't' WHERE ${where}`), message('t', payload)) !== undefined;
    expect(run("a.b = 'x' AND n > 2", { a: { b: 'x' }, n: 3 })).toBe(true);
    expect(run("a.b = 'x' AND n > 2", { a: { b: 'x' }, n: 2 })).toBe(false);
    expect(run("NOT (a.b <> 'x') OR n < 0", { a: { b: 'x' } })).toBe(true);
    expect(run('missing = 1', {})).toBe(false);
    expect(runSelect(parseSql("SELECT a.b AS v, missing FROM 't'"), message('t', { a: { b: 1 } }))).toEqual({ v: 1 });
  });

  it('rejects SQL outside the subset', () => {
    expect(() => parseSql('SELECT * FROM')).toThrow();
    expect(() => parseSql("SELECT * FROM 't' WHERE")).toThrow();
    expect(() => parseSql("SELECT * FROM 't' LIMIT 3")).toThrow();
  });

  it('matches topic filters as MQTT does, keeping $ topics away from leading wildcards', () => {
    expect(topicMatches('awslabs/things/+/certificate/create', 'awslabs/things/x/certificate/create')).toBe(true);
    expect(topicMatches('awslabs/things/+/certificate/create', 'awslabs/things/x/certificate/commit')).toBe(false);
    expect(topicMatches('$aws/events/jobExecution/#', '$aws/events/jobExecution/j/succeeded')).toBe(true);
    expect(topicMatches('#', '$aws/events/jobExecution/j/succeeded')).toBe(false);
  });
});

describe('rules engine', () => {
  it('invokes enabled matching rules asynchronously, not disabled ones, and survives failing functions', async () => {
    const engine = new RulesEngine({ accountId: '123456789012', region: 'us-east-1' }, () => 0, silent);
    const seen: Array<Record<string, unknown>> = [];
    engine.addRule('Create', CREATE_SQL, async (event) => void seen.push(event));
    engine.addRule('Broken', "SELECT * FROM 'awslabs/things/+/certificate/create'", async () => {
      throw new Error('boom');
    });
    engine.handleMessage(message('awslabs/things/core-1/certificate/create', { jobId: 'j' }, 'core-1'));
    expect(seen).toHaveLength(0); // invocation is asynchronous
    await engine.whenIdle();
    expect(seen).toEqual([expect.objectContaining({ jobId: 'j', thingName: 'core-1', clientId: 'core-1', principal: PRINCIPAL })]);
    expect(engine.invocations().map((i) => [i.ruleName, i.outcome])).toEqual(
      expect.arrayContaining([
        ['Create', 'succeeded'],
        ['Broken', 'failed'],
      ]),
    );

    engine.disableTopicRule('Create');
    engine.handleMessage(message('awslabs/things/core-1/certificate/create', { jobId: 'k' }, 'core-1'));
    await engine.whenIdle();
    expect(seen).toHaveLength(1);
    engine.enableTopicRule('Create');
    engine.handleMessage(message('awslabs/things/core-1/certificate/create', { jobId: 'l' }, 'core-1'));
    await engine.whenIdle();
    expect(seen.map((e) => e.jobId)).toEqual(['j', 'l']);
  });

  it('manages rules by name with AWS error codes', () => {
    const engine = new RulesEngine({ accountId: '123456789012', region: 'us-east-1' }, () => 5, silent);
    engine.createTopicRule('R', { sql: TERMINAL_SQL, actions: [{ lambda: { functionArn: 'arn:x' } }] });
    expect(engine.getTopicRule('R')).toMatchObject({
      ruleArn: 'arn:aws:iot:us-east-1:123456789012:rule/R',
      ruleDisabled: false,
      createdAt: 5,
    });
    expect(() => engine.createTopicRule('R', { sql: TERMINAL_SQL, actions: [] })).toThrow(
      expect.objectContaining({ code: 'ResourceAlreadyExistsException' }),
    );
    expect(() => engine.createTopicRule('S', { sql: 'SELECT', actions: [] })).toThrow(
      expect.objectContaining({ code: 'SqlParseException' }),
    );
    engine.deleteTopicRule('R');
    expect(() => engine.getTopicRule('R')).toThrow(expect.objectContaining({ code: 'UnauthorizedException' }));
  });
});
