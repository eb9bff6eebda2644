import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../shared/logging/logger.js';
import { parsePolicyDocument } from '../iam/policy-document.js';
import { LocalAuthorities } from '../model/ca/local-authorities.js';
import { type AwsStandIn, startAwsStandIn } from '../stand-in.js';
import { FunctionInvocationError, type LambdaService } from './lambda-service.js';

const CODE = fileURLToPath(new URL('../../test/support/aws/lambda-functions/', import.meta.url));
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const trust = (service: string) =>
  parsePolicyDocument({ Statement: { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' } }, 'trust');

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the invocation to fail');
}

describe('Lambda in the stand-in', () => {
  let standIn: AwsStandIn;
  let lambda: LambdaService;
  let roleArn: string;
  const fn = (functionName: string, handler: string, extra: { timeoutSeconds?: number; environment?: Record<string, string> } = {}) =>
    lambda.createFunction({
      functionName,
      handler,
      runtime: 'nodejs24.x',
      codeDirectory: CODE,
      roleArn,
      environment: extra.environment ?? {},
      timeoutSeconds: extra.timeoutSeconds ?? 10,
      memoryMb: 192,
    });

  beforeAll(async () => {
    // An AWS minute of 100 ms, so that Lambda's retry delays pass quickly; an account of 4 concurrent invocations.
    standIn = await startAwsStandIn({
      authorities: await LocalAuthorities.create(() => Date.now()),
      logger: silent,
      minuteMs: 100,
      http: { lambdaConcurrency: 4 },
    });
    lambda = standIn.lambda!;
    const iam = standIn.model.iam;
    roleArn = iam.createRole('FunctionRole', trust('lambda.amazonaws.com')).arn;
    iam.putRolePolicy(
      'FunctionRole',
      'logs',
      parsePolicyDocument(
        {
          Statement: {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/*:*',
          },
        },
        'logs',
      ),
    );
    iam.putRolePolicy(
      'FunctionRole',
      'things',
      parsePolicyDocument(
        { Statement: { Effect: 'Allow', Action: 'iot:DescribeThing', Resource: 'arn:aws:iot:us-east-1:123456789012:thing/allowed-*' } },
        'things',
      ),
    );
    iam.createRole('EventsRole', trust('events.amazonaws.com'));
    standIn.model.registry.things.createThing('allowed-1');
    standIn.model.registry.things.createThing('forbidden-1');
    process.env['ONLY_IN_THE_TEST_PROCESS'] = 'leaked';
  });
  afterAll(async () => {
    delete process.env['ONLY_IN_THE_TEST_PROCESS'];
    await standIn.close();
  });

  it('runs a function in a process of its own with Lambda environment, its variables, and its role session', async () => {
    fn('Probe', 'probe.handler', { environment: { SHADOW_NAME: 'Rotation' } });
    const names = [
      'AWS_LAMBDA_FUNCTION_NAME',
      'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
      'AWS_REGION',
      'AWS_ACCESS_KEY_ID',
      'AWS_SESSION_TOKEN',
      'AWS_ENDPOINT_URL',
      'NODE_EXTRA_CA_CERTS',
      'LAMBDA_TASK_ROOT',
      '_HANDLER',
      'SHADOW_NAME',
      'ONLY_IN_THE_TEST_PROCESS',
    ];
    const seen = (await lambda.invoke('Probe', { names })) as {
      env: Record<string, string | null>;
      remainingMs: number;
      functionName: string;
      pid: number;
      execArgv: string[];
    };
    expect(seen.pid).not.toBe(process.pid);
    expect(seen.functionName).toBe('Probe');
    expect(seen.remainingMs).toBeGreaterThan(0);
    expect(seen.remainingMs).toBeLessThanOrEqual(10_000);
    expect(seen.execArgv).toContain('--max-old-space-size=192');
    expect(seen.env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'Probe',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '192',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: standIn.http?.endpoint,
      NODE_EXTRA_CA_CERTS: standIn.http?.caFile,
      _HANDLER: 'probe.handler',
      SHADOW_NAME: 'Rotation',
      ONLY_IN_THE_TEST_PROCESS: null,
    });
    expect(seen.env['AWS_ACCESS_KEY_ID']).toMatch(/^ASIA/);
    expect(standIn.model.iam.sessionOf(seen.env['AWS_ACCESS_KEY_ID'] ?? '')).toEqual({
      roleName: 'FunctionRole',
      sessionName: 'Probe',
      assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/FunctionRole/Probe',
    });
  });

  it("signs the function's own SDK calls as its role, which IAM allows or refuses", async () => {
    fn('DescribeThing', 'describe-thing.handler');
    expect(await lambda.invoke('DescribeThing', { thingName: 'allowed-1' })).toEqual({
      thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/allowed-1',
    });
    expect(await lambda.invoke('DescribeThing', { thingName: 'forbidden-1' })).toEqual({
      error: 'AccessDeniedException',
      message:
        'User: arn:aws:sts::123456789012:assumed-role/FunctionRole/DescribeThing is not authorized to perform: iot:DescribeThing on resource: ' +
        'arn:aws:iot:us-east-1:123456789012:thing/forbidden-1 because no identity-based policy allows the iot:DescribeThing action',
    });
  });

  it('cuts an invocation off at its timeout, as Lambda does, and starts afresh for the next', async () => {
    fn('Sleeper', 'sleep.handler', { timeoutSeconds: 1 });
    const error = await failure(lambda.invoke('Sleeper', { ms: 60_000 }));
    expect(error).toBeInstanceOf(FunctionInvocationError);
    expect((error as FunctionInvocationError).functionError).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds$/),
    });
    expect(lambda.logs.lines('/aws/lambda/Sleeper').some((line) => line.endsWith('Task timed out after 1.00 seconds'))).toBe(true);
    await expect(lambda.invoke('Sleeper', { ms: 10 })).resolves.toBe('woke');
  });

  it("reports the function's own error, and keeps what it logged", async () => {
    fn('Failing', 'fail.handler');
    const error = (await failure(lambda.invoke('Failing', { thingName: 'core-9' }))) as FunctionInvocationError;
    expect(error.functionError).toMatchObject({ errorType: 'RotationError', errorMessage: 'cannot rotate core-9' });
    expect(lambda.logs.lines('/aws/lambda/Failing')).toContain('{"level":"ERROR","message":"failing","attempt":null}');
  });

  it("drops a function's output when its role may not write to its log group, as Lambda does", async () => {
    standIn.model.iam.createRole('SilentRole', trust('lambda.amazonaws.com'));
    lambda.createFunction({
      functionName: 'Unlogged',
      handler: 'fail.handler',
      runtime: 'nodejs24.x',
      codeDirectory: CODE,
      roleArn: standIn.model.iam.role('SilentRole').arn,
      environment: {},
      timeoutSeconds: 5,
      memoryMb: 128,
    });
    await expect(lambda.invoke('Unlogged', {})).rejects.toThrow('RotationError');
    expect(lambda.logs.lines('/aws/lambda/Unlogged')).toEqual([]);
  });

  it('refuses a role that does not trust Lambda, and a handler that does not exist', async () => {
    expect(() =>
      lambda.createFunction({
        functionName: 'Untrusted',
        handler: 'probe.handler',
        runtime: 'nodejs24.x',
        codeDirectory: CODE,
        roleArn: standIn.model.iam.role('EventsRole').arn,
        environment: {},
        timeoutSeconds: 3,
        memoryMb: 128,
      }),
    ).toThrow('The role defined for the function cannot be assumed by Lambda.');
    fn('NoHandler', 'missing.handler');
    const error = (await failure(lambda.invoke('NoHandler', {}))) as FunctionInvocationError;
    expect(error.functionError).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: "Cannot find module 'missing'" });
  });

  it("takes an asynchronous invocation from a service only when the function's policy allows that source", async () => {
    fn('Invoked', 'probe.handler');
    const source = {
      principal: 'iot.amazonaws.com',
      sourceArn: 'arn:aws:iot:us-east-1:123456789012:rule/Create',
      sourceAccount: '123456789012',
    };
    await expect(lambda.invokeAsync('Invoked', {}, source)).rejects.toThrow(
      /iot\.amazonaws\.com is not allowed to invoke .*function:Invoked for .*rule\/Create/,
    );
    lambda.addPermission('Invoked', {
      statementId: 's1',
      action: 'lambda:InvokeFunction',
      principal: 'iot.amazonaws.com',
      sourceArn: source.sourceArn,
      sourceAccount: '123456789012',
    });
    await expect(lambda.invokeAsync('Invoked', {}, source)).resolves.toBeUndefined();
    await expect(
      lambda.invokeAsync('Invoked', {}, { ...source, sourceArn: 'arn:aws:iot:us-east-1:123456789012:rule/Other' }),
    ).rejects.toThrow(/not allowed/);
  });

  it('retries a failed asynchronous invocation as many times as the function is configured to', async () => {
    fn('Retried', 'fail.handler');
    lambda.putFunctionEventInvokeConfig('Retried', { maximumRetryAttempts: 1 });
    await expect(lambda.invokeAsync('Retried', { thingName: 'core-1' })).rejects.toThrow('RotationError: cannot rotate core-1');
    expect(lambda.logs.lines('/aws/lambda/Retried').filter((line) => line.startsWith('START RequestId:'))).toHaveLength(2);
  });

  describe('scaling', () => {
    type Reached = { pid: number; invocations: number; met: boolean };
    const barrier = async (functionName: string, count: number, waitMs: number, invocations = count): Promise<Reached[]> => {
      const dir = await mkdtemp(path.join(tmpdir(), 'barrier-'));
      try {
        return await Promise.all(
          Array.from({ length: invocations }, () => lambda.invoke(functionName, { dir, count, waitMs }) as Promise<Reached>),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };

    it('starts a new environment for an invocation that finds every environment busy, and reuses idle ones', async () => {
      fn('Scaled', 'barrier.handler', { timeoutSeconds: 120 });
      // Three invocations can all reach the barrier only when each runs in an environment of its own.
      const together = await barrier('Scaled', 3, 90_000);
      expect(together.map((r) => r.met)).toEqual([true, true, true]);
      expect(new Set(together.map((r) => r.pid)).size).toBe(3);
      const pids = together.map((r) => r.pid);
      const next = (await barrier('Scaled', 1, 0))[0];
      expect(pids).toContain(next?.pid);
      // A reused environment keeps its module state, as a warm Lambda environment does.
      expect(next?.invocations).toBe(2);
    }, 180_000);

    it('runs at most the reserved concurrency of a function at once, which leaves the rest of the account to the others', async () => {
      fn('Capped', 'barrier.handler', { timeoutSeconds: 30 });
      lambda.putFunctionConcurrency('Capped', 2);
      expect(lambda.concurrencyOf('Capped').limit).toBe(2);
      expect(lambda.concurrencyOf('Scaled').limit).toBe(2);
      // A third invocation waits for one of the first two: the barrier of three is never met.
      const reached = await barrier('Capped', 3, 1_000);
      expect(reached.map((r) => r.met)).toEqual([false, false, false]);
      expect(new Set(reached.map((r) => r.pid)).size).toBeLessThanOrEqual(2);
      expect(() => lambda.putFunctionConcurrency('Capped', 4)).toThrow(
        "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [1].",
      );
      lambda.deleteFunctionConcurrency('Capped');
      expect(lambda.concurrencyOf('Scaled').limit).toBe(4);
      expect(lambda.concurrencyOf('Capped').limit).toBe(4);
    }, 120_000);
  });
});
