import type { SessionCredentials } from '../iam/iam-service.js';

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

/**
 * The variables a function's processes see: Lambda's reserved variables, the role session's
 * credentials, the function's own variables, and the two the stand-in adds (AWS_ENDPOINT_URL and
 * NODE_EXTRA_CA_CERTS).
 */
export function environmentVariables(
  c: FunctionConfiguration,
  platform: PlatformSettings,
  credentials: SessionCredentials,
  logStream: string,
): Record<string, string> {
  return {
    ...c.environment,
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: c.handler,
    LAMBDA_TASK_ROOT: c.codeDirectory,
    AWS_REGION: platform.region,
    AWS_DEFAULT_REGION: platform.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${c.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: c.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: c.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: logStream,
    ...(c.logFormat === 'JSON' ? { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: c.applicationLogLevel ?? 'INFO' } : {}),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_CONFIG_FILE: platform.emptyConfigFile,
    AWS_SHARED_CREDENTIALS_FILE: platform.emptyConfigFile,
    AWS_ENDPOINT_URL: platform.endpointUrl,
    NODE_EXTRA_CA_CERTS: platform.caFile,
    // The runtime here is the local Node.js, which the SDK may find old; Lambda's would not be.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
