import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../../shared/logging/logger.js';
import type { IamService } from '../iam/iam-service.js';
import type { AccountContext } from '../model/arn.js';
import type { Clock, TimeScale } from '../model/clock.js';
import { AwsError } from '../model/errors.js';
import { AccountConcurrency } from './concurrency.js';
import type { FunctionError } from './execution-environment.js';
import { type FunctionConfiguration, LambdaFunction } from './lambda-function.js';
import { LogGroups } from './log-groups.js';

/** What a function's resource policy may allow: a service invoking it for one source. */
export interface Permission {
  statementId: string;
  action: string;
  /** `iot.amazonaws.com`, `events.amazonaws.com`, or an account. */
  principal: string;
  sourceArn?: string;
  sourceAccount?: string;
}

/** Who invokes asynchronously on a service's behalf (an IoT rule, an EventBridge rule). */
export interface InvokeSource {
  principal: string;
  sourceArn: string;
  sourceAccount: string;
}

/** Raised for a failed invocation: the function's error, or Lambda's own (timeout, init failure). */
export class FunctionInvocationError extends Error {
  constructor(readonly functionError: FunctionError) {
    super(`${functionError.errorType}: ${functionError.errorMessage}`);
    this.name = 'FunctionInvocationError';
  }
}

export interface LambdaServiceOptions {
  ctx: AccountContext;
  iam: IamService;
  clock: Clock;
  timeScale: TimeScale;
  endpointUrl: string;
  caFile: string;
  logger: Logger;
  /** The account's concurrency limit; default ACCOUNT_CONCURRENCY_LIMIT (see there why it is below AWS's 1,000). */
  accountConcurrency?: number;
}

type CreateInput = Omit<FunctionConfiguration, 'functionArn' | 'logGroupName'> & { logGroupName?: string };

interface Deployed {
  fn: LambdaFunction;
  permissions: Permission[];
  /** EventInvokeConfig; Lambda's defaults are 6 hours and 2 retries. */
  maximumEventAgeSeconds: number;
  maximumRetryAttempts: number;
}

/**
 * AWS Lambda for the account's functions: each runs its deployment package in execution
 * environments of its own (see ExecutionEnvironment), with its role's temporary credentials, so
 * every AWS call it makes is signed as that role and checked by IAM. Asynchronous invocations
 * honour the function's resource policy, event age and retry settings.
 */
export class LambdaService {
  readonly logs = new LogGroups();
  private readonly functions = new Map<string, Deployed>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly concurrency: AccountConcurrency;

  private constructor(
    private readonly options: LambdaServiceOptions,
    private readonly scratch: string,
  ) {
    this.concurrency = new AccountConcurrency(options.accountConcurrency);
  }

  static async create(options: LambdaServiceOptions): Promise<LambdaService> {
    return new LambdaService(options, await mkdtemp(path.join(os.tmpdir(), 'lambda-stand-in-')));
  }

  functionArn(functionName: string): string {
    return `arn:aws:lambda:${this.options.ctx.region}:${this.options.ctx.accountId}:function:${functionName}`;
  }

  /** CreateFunction: the role must exist and trust lambda.amazonaws.com, as Lambda checks. */
  createFunction(input: CreateInput): FunctionConfiguration {
    if (this.functions.has(input.functionName)) {
      throw new AwsError('ResourceConflictException', `Function already exist: ${input.functionName}`);
    }
    const configuration: FunctionConfiguration = {
      ...input,
      functionArn: this.functionArn(input.functionName),
      logGroupName: input.logGroupName ?? `/aws/lambda/${input.functionName}`,
    };
    this.functions.set(input.functionName, {
      fn: this.instantiate(configuration),
      permissions: [],
      maximumEventAgeSeconds: 6 * 3600,
      maximumRetryAttempts: 2,
    });
    return { ...configuration };
  }

  /**
   * UpdateFunctionConfiguration (and UpdateFunctionCode): invocations from now on run the new
   * configuration in fresh environments; the old environments are stopped.
   */
  updateFunctionConfiguration(functionName: string, changes: Partial<Omit<FunctionConfiguration, 'functionName' | 'functionArn'>>): void {
    const deployed = this.deployed(functionName);
    const configuration = { ...deployed.fn.configuration, ...changes };
    const fn = this.instantiate(configuration);
    deployed.fn.shutdown(false);
    deployed.fn = fn;
  }

  /** A function's code given inline (ZipFile): written as index.js of a directory of its own. */
  async writeInlineCode(functionName: string, source: string): Promise<string> {
    const directory = await mkdtemp(path.join(this.scratch, `${functionName}-`));
    await writeFile(path.join(directory, 'index.js'), source);
    return directory;
  }

  /** Deletes the function and stops its environments. */
  deleteFunction(functionName: string): void {
    const deployed = this.deployed(functionName);
    deployed.fn.shutdown();
    this.functions.delete(deployed.fn.configuration.functionName);
    this.concurrency.deleteReserved(deployed.fn.configuration.functionName);
  }

  /** PutFunctionConcurrency: the function's own limit, which also caps it, taken out of the account's pool. */
  putFunctionConcurrency(functionName: string, reservedConcurrentExecutions: number): void {
    const name = this.deployed(functionName).fn.configuration.functionName;
    this.concurrency.putReserved(name, reservedConcurrentExecutions);
  }

  /** DeleteFunctionConcurrency: the function shares the account's unreserved pool again. */
  deleteFunctionConcurrency(functionName: string): void {
    this.concurrency.deleteReserved(this.deployed(functionName).fn.configuration.functionName);
  }

  /** The function's concurrency limit and the invocations running against it; its environments, idle or busy. */
  concurrencyOf(functionName: string): { limit: number; running: number; environments: number } {
    const { fn } = this.deployed(functionName);
    const limit = this.concurrency.limitOf(fn.configuration.functionName);
    return { limit: limit.limit, running: limit.running, environments: fn.environments };
  }

  private instantiate(configuration: FunctionConfiguration): LambdaFunction {
    const roleName = configuration.roleArn.split('/').at(-1) ?? '';
    if (!this.options.iam.trusts(roleName, 'lambda.amazonaws.com')) {
      throw new AwsError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');
    }
    // Lambda runs the function with temporary credentials of a session named after it.
    const { iam, ctx, logger } = this.options;
    const credentials = iam.assumeRole(roleName, configuration.functionName);
    const session = iam.sessionFor(roleName, configuration.functionName);
    const platform = {
      region: ctx.region,
      endpointUrl: this.options.endpointUrl,
      caFile: this.options.caFile,
      emptyConfigFile: path.join(this.scratch, 'no-aws-config'),
      mayLog: (logGroup: string, logStream: string): boolean => {
        const resources = [`arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${logGroup}:log-stream:${logStream}`];
        const allowed = ['logs:CreateLogStream', 'logs:PutLogEvents'].every((action) =>
          iam.allows(session, { action, resources, secureTransport: true }),
        );
        if (!allowed)
          logger.warn('Function output not logged: its role may not write to its log group', {
            functionName: configuration.functionName,
            logGroup,
          });
        return allowed;
      },
    };
    const fn = new LambdaFunction(configuration, credentials, platform, this.logs, () =>
      this.concurrency.limitOf(configuration.functionName),
    );
    fn.keepOneWarm();
    return fn;
  }

  getFunction(nameOrArn: string): FunctionConfiguration {
    return { ...this.deployed(nameOrArn).fn.configuration };
  }

  listFunctions(): FunctionConfiguration[] {
    return [...this.functions.values()].map((d) => ({ ...d.fn.configuration }));
  }

  addPermission(functionName: string, permission: Permission): void {
    this.deployed(functionName).permissions.push({ ...permission });
  }

  putFunctionEventInvokeConfig(functionName: string, config: { maximumEventAgeSeconds?: number; maximumRetryAttempts?: number }): void {
    const deployed = this.deployed(functionName);
    if (config.maximumEventAgeSeconds !== undefined) deployed.maximumEventAgeSeconds = config.maximumEventAgeSeconds;
    if (config.maximumRetryAttempts !== undefined) deployed.maximumRetryAttempts = config.maximumRetryAttempts;
  }

  /** A synchronous (RequestResponse) invocation: the function's result, or its error. */
  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const outcome = await this.track(this.deployed(nameOrArn).fn.invoke(event));
    if (!outcome.ok) throw new FunctionInvocationError(outcome.error);
    return outcome.value;
  }

  /**
   * An asynchronous (Event) invocation. A service invoking as itself (`source`: an IoT rule, an
   * EventBridge rule) is refused unless the function's resource policy lets it invoke for that
   * source; without `source` the caller has been authorised by IAM already. Resolves once the
   * event has been processed; rejects when every attempt failed or the event grew older than the
   * function's maximum age.
   */
  invokeAsync(nameOrArn: string, event: unknown, source?: InvokeSource): Promise<void> {
    const deployed = this.deployed(nameOrArn);
    if (source && !this.permits(deployed, source)) {
      return Promise.reject(
        new AwsError(
          'AccessDeniedException',
          `${source.principal} is not allowed to invoke ${deployed.fn.configuration.functionArn} for ${source.sourceArn}`,
        ),
      );
    }
    return this.track(this.processEvent(deployed, event, this.options.clock.now()));
  }

  /** Resolves once every invocation started so far has finished. */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async close(): Promise<void> {
    for (const { fn } of this.functions.values()) fn.shutdown();
    this.functions.clear();
    await rm(this.scratch, { recursive: true, force: true });
  }

  private async processEvent(deployed: Deployed, event: unknown, enqueuedAt: number): Promise<void> {
    const minuteMs = this.options.timeScale.minuteMs;
    for (let attempt = 0; ; attempt += 1) {
      const ageMs = this.options.clock.now() - enqueuedAt;
      if (ageMs > (deployed.maximumEventAgeSeconds * minuteMs) / 60) {
        throw new Error(`event dropped: older than ${deployed.maximumEventAgeSeconds} s`);
      }
      const outcome = await deployed.fn.invoke(event);
      if (outcome.ok) return;
      const { configuration } = deployed.fn;
      this.options.logger.warn('Lambda function failed', {
        functionName: configuration.functionName,
        ...outcome.error,
        attempt: attempt + 1,
      });
      if (attempt >= deployed.maximumRetryAttempts) throw new FunctionInvocationError(outcome.error);
      // Lambda waits one minute before the first retry and two before the second.
      await new Promise<void>((resolve) => this.options.clock.setTimer((attempt + 1) * minuteMs, resolve));
    }
  }

  private permits(deployed: Deployed, source: InvokeSource): boolean {
    return deployed.permissions.some(
      (p) =>
        (p.action === 'lambda:InvokeFunction' || p.action === 'lambda:*') &&
        p.principal === source.principal &&
        (p.sourceArn === undefined || p.sourceArn === source.sourceArn) &&
        (p.sourceAccount === undefined || p.sourceAccount === source.sourceAccount),
    );
  }

  private deployed(nameOrArn: string): Deployed {
    const name = nameOrArn.startsWith('arn:') ? (nameOrArn.split(':')[6] ?? '') : nameOrArn;
    const deployed = this.functions.get(name);
    if (!deployed) throw new AwsError('ResourceNotFoundException', `Function not found: ${this.functionArn(name)}`);
    return deployed;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.running.add(promise);
    void promise.then(
      () => this.running.delete(promise),
      () => this.running.delete(promise),
    );
    return promise;
  }
}
