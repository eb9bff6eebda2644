import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../shared/logging/logger.js';
import { startHttpApi } from './http/api.js';
import { sdkClientConfig, type SdkClientConfig } from './http/client-config.js';
import type { ApiRateLimits } from './http/rate-limits.js';
import { LambdaService } from './lambda/lambda-service.js';
import type { AwsModel } from './model/aws-model.js';
import type { RulesEngine } from './rules/rules-engine.js';

export interface HttpEndpoint {
  /** `https://127.0.0.1:<port>`: the endpoint override for every AWS SDK client. */
  endpoint: string;
  /** `127.0.0.1:<port>`: the address DescribeEndpoint answers. */
  address: string;
  /** The root the HTTPS certificate chains to (the same root the MQTT broker's does). */
  caCertificatePem: string;
  /** That root in a PEM file, for NODE_EXTRA_CA_CERTS of child processes and `--ca-bundle` of the tools. */
  caFile: string;
  /** Settings for an SDK client in this process, as the account's administrator. */
  clientConfig(): SdkClientConfig;
  /** The HTTP API's own fault hooks (throttling), as it exposes them. */
  api: unknown;
}

export interface ApiServiceOptions {
  port?: number;
  host?: string;
  /** The account's Lambda concurrency limit (default ACCOUNT_CONCURRENCY_LIMIT in lambda/concurrency.ts). */
  lambdaConcurrency?: number;
  /** AWS's request-rate quotas; absent: nothing is throttled but injected faults. */
  rateLimits?: ApiRateLimits;
}

export interface ApiServices {
  http: HttpEndpoint;
  lambda: LambdaService;
  close(): Promise<void>;
}

/**
 * The AWS APIs of the stand-in over HTTPS, and AWS Lambda behind them: functions run in their own
 * processes with AWS_ENDPOINT_URL pointing at these APIs and NODE_EXTRA_CA_CERTS trusting them.
 */
export async function startApiServices(
  model: AwsModel,
  rules: RulesEngine,
  logger: Logger,
  options: ApiServiceOptions,
): Promise<ApiServices> {
  const { lambdaConcurrency, ...listen } = options;
  const api = await startHttpApi({
    model,
    rules,
    ...listen,
    onInternalError: (error, operation) => logger.error('HTTP operation failed', { operation, error: String(error) }),
  });
  const caDir = await mkdtemp(path.join(os.tmpdir(), 'aws-stand-in-ca-'));
  const caFile = path.join(caDir, 'stand-in-root.pem');
  await writeFile(caFile, api.caCertificatePem);
  const { endpoint, address, caCertificatePem } = api;
  const lambda = await LambdaService.create({
    ctx: model,
    iam: model.iam,
    clock: model.clock,
    timeScale: model.timeScale,
    endpointUrl: endpoint,
    caFile,
    logger,
    ...(lambdaConcurrency === undefined ? {} : { accountConcurrency: lambdaConcurrency }),
  });
  return {
    http: {
      endpoint,
      address,
      caCertificatePem,
      caFile,
      clientConfig: () => sdkClientConfig({ region: model.region, endpoint, caCertificatePem }),
      api,
    },
    lambda,
    async close() {
      await lambda.close();
      await api.close();
      await rm(caDir, { recursive: true, force: true });
    },
  };
}
