import { randomBytes, randomUUID } from 'node:crypto';
import type { SessionCredentials } from '../iam/iam-service.js';
import { ExecutionEnvironment, type InvokeOutcome } from './execution-environment.js';
import type { LogGroups } from './log-groups.js';

/** A function's configuration, as CreateFunction takes it (the parts the stand-in runs). */
export interface FunctionConfiguration {
  functionName: string;
  functionArn: string;
  description?: string;
  /** `index.handler`: file `index.(m)js` in the code directory, export `handler`. */
  handler: string;
  runtime: string;
  /** The unpacked deployment package. */
  codeDirectory: string;
  roleArn: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  logGroupName: string;
  /** LoggingConfig: JSON format sets AWS_LAMBDA_LOG_FORMAT and the application log level. */
  logFormat?: 'Text' | 'JSON';
  applicationLogLevel?: string;
}

/** What every environment of the account's functions gets from the stand-in besides the function's own settings. */
export interface PlatformSettings {
  region: string;
  /** AWS_ENDPOINT_URL: the SDK's standard override, pointing every client at the stand-in. */
  endpointUrl: string;
  /** NODE_EXTRA_CA_CERTS: the stand-in's root, so the process trusts its HTTPS certificate. */
  caFile: string;
  /** A file that does not exist, for AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE: no local profile leaks in. */
  emptyConfigFile: string;
  /**
   * Whether the function's role may write to the log stream: Lambda writes a function's output
   * with its role, and drops it when the role lacks logs:CreateLogStream or logs:PutLogEvents.
   */
  mayLog(logGroup: string, logStream: string): boolean;
}

const today = (): string => new Date().toISOString().slice(0, 10).replace(/-/g, '/');

/**
 * The environments of one function and the variables its processes see: Lambda's reserved
 * variables, the role session's credentials, the function's own variables, and the two the
 * stand-in adds (AWS_ENDPOINT_URL and NODE_EXTRA_CA_CERTS).
 */
export class LambdaFunction {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  /** Whether each environment's role session may write its log stream (decided when it starts). */
  private readonly logging = new WeakMap<ExecutionEnvironment, boolean>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;
  private warming: Promise<void> | undefined;

  constructor(
    public configuration: FunctionConfiguration,
    private readonly credentials: SessionCredentials,
    private readonly platform: PlatformSettings,
    private readonly logs: LogGroups,
    private readonly maxEnvironments: number,
  ) {}

  /** Runs one invocation in a free environment (a warm one if any), waiting for one when all are busy. */
  async invoke(event: unknown): Promise<InvokeOutcome> {
    await this.slot();
    const requestId = randomUUID();
    const { logGroupName, timeoutSeconds } = this.configuration;
    let environment: ExecutionEnvironment | undefined;
    try {
      environment = await this.acquire();
      this.keepOneWarm();
      const logged = this.logging.get(environment) === true;
      const log = (line: string): void => {
        if (logged) this.logs.append(logGroupName, line);
      };
      log(`START RequestId: ${requestId} Version: $LATEST`);
      const started = Date.now();
      const outcome = await environment.invoke(event, requestId, timeoutSeconds * 1000);
      const duration = Date.now() - started;
      if (!outcome.ok && outcome.error.errorType === 'Sandbox.Timedout') {
        log(`${new Date().toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
      }
      log(`END RequestId: ${requestId}`);
      log(
        `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(duration))} ms\tMemory Size: ${this.configuration.memoryMb} MB`,
      );
      return outcome;
    } catch (error) {
      // The init phase failed: Lambda reports it as this invocation's error.
      const failure = error as Error;
      this.logs.append(logGroupName, `INIT_REPORT Status: error\tError Type: ${failure.name}`);
      return { ok: false, error: { errorType: failure.name, errorMessage: failure.message } };
    } finally {
      if (environment?.alive && !this.closed) this.idle.push(environment);
      else if (environment) {
        // A retired function lets its running invocations finish, then stops their environments.
        environment.kill();
        this.all.delete(environment);
      }
      this.release();
    }
  }

  /**
   * Starts an environment in the background when none is idle, up to the function's limit. Lambda
   * starts a process in well under a second; on a loaded machine here it can take longer than a
   * core's time-scaled wait for the reply, so the stand-in keeps one environment ready ahead of
   * need (as provisioned concurrency would) rather than bill cold starts to the device's timeouts.
   */
  keepOneWarm(): void {
    if (this.closed || this.warming || this.idle.length > 0 || this.all.size >= this.maxEnvironments) return;
    this.warming = this.start()
      .then((environment) => {
        this.idle.push(environment);
      })
      // An init failure shows again, and is reported, when an invocation starts an environment.
      .catch(() => undefined)
      .finally(() => {
        this.warming = undefined;
      });
  }

  /** A warm environment if there is one (or one about to be), else a fresh one. */
  private async acquire(): Promise<ExecutionEnvironment> {
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.warming) {
      await this.warming;
      const warmed = this.idle.pop();
      if (warmed) return warmed;
    }
    return this.start();
  }

  /**
   * Stops taking invocations: idle environments stop now, busy ones once their invocation is done
   * (the configuration changed), or at once when `now` (the function is deleted, the stand-in closes).
   */
  shutdown(now = true): void {
    this.closed = true;
    for (const environment of this.idle.splice(0)) {
      environment.kill();
      this.all.delete(environment);
    }
    if (!now) return;
    for (const environment of this.all) environment.kill();
    this.all.clear();
  }

  private async start(): Promise<ExecutionEnvironment> {
    const c = this.configuration;
    const stream = `${today()}/[$LATEST]${randomBytes(16).toString('hex')}`;
    const logged = this.platform.mayLog(c.logGroupName, stream);
    const environment = await ExecutionEnvironment.start({
      functionArn: c.functionArn,
      codeDirectory: c.codeDirectory,
      memoryMb: c.memoryMb,
      onOutput: (line) => {
        if (logged) this.logs.append(c.logGroupName, line);
      },
      environment: {
        ...c.environment,
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        LANG: 'en_US.UTF-8',
        TZ: ':UTC',
        _HANDLER: c.handler,
        LAMBDA_TASK_ROOT: c.codeDirectory,
        AWS_REGION: this.platform.region,
        AWS_DEFAULT_REGION: this.platform.region,
        AWS_EXECUTION_ENV: `AWS_Lambda_${c.runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: c.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_LAMBDA_LOG_GROUP_NAME: c.logGroupName,
        AWS_LAMBDA_LOG_STREAM_NAME: stream,
        ...(c.logFormat === 'JSON' ? { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: c.applicationLogLevel ?? 'INFO' } : {}),
        AWS_ACCESS_KEY_ID: this.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: this.credentials.secretAccessKey,
        AWS_SESSION_TOKEN: this.credentials.sessionToken,
        AWS_CONFIG_FILE: this.platform.emptyConfigFile,
        AWS_SHARED_CREDENTIALS_FILE: this.platform.emptyConfigFile,
        AWS_ENDPOINT_URL: this.platform.endpointUrl,
        NODE_EXTRA_CA_CERTS: this.platform.caFile,
        // The runtime here is the local Node.js, which the SDK may find old; Lambda's would not be.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    if (this.closed) {
      environment.kill();
      throw Object.assign(new Error(`Function not found: ${c.functionArn}`), { name: 'ResourceNotFoundException' });
    }
    this.all.add(environment);
    this.logging.set(environment, logged);
    return environment;
  }

  private async slot(): Promise<void> {
    if (this.running < this.maxEnvironments) {
      this.running += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}
