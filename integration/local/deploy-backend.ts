import { CreateJobTemplateCommand, CreateTopicRuleCommand, IoTClient } from '@aws-sdk/client-iot';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import {
  createCommitCertificateHandler,
  createCreateCertificateHandler,
  createJobExecutionEventsHandler,
  createJobExecutionTerminalHandler,
  JOB_DOCUMENT,
  SHADOW_NAME,
  type ClientConfig,
  type PcaSigningAlgorithm,
} from '../../backend/src/index.js';
import { DEFAULT_NAME_PREFIX, NOTIFICATION_DISPLAY_NAME, RULE_SQL, RULE_SQL_VERSION } from '../../backend/lib/wire-contract.js';
import type { AwsStandIn } from '../aws/stand-in.js';

export interface BackendDeployment {
  jobTemplateArn: string;
  snsTopicArn: string;
  ruleNames: { createCertificate: string; commitCertificate: string; jobExecutionTerminal: string };
  pcaCaArn?: string;
}

export interface DeployBackendOptions {
  issuer: 'iot' | 'pca';
  /** Key of the Private CA that the stand-in creates for `issuer: 'pca'`. */
  pcaKey?: 'RSA_2048' | 'EC_prime256v1' | 'EC_secp384r1';
  pcaSigningAlgorithm?: PcaSigningAlgorithm;
  pcaValidityInDays?: number;
  /** Job template rollout and timeout, as the CDK construct's defaults. */
  inProgressTimeoutMinutes?: number;
  /** Lambda log level; the demo keeps the handlers quiet. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

/** SDK client settings that point every AWS SDK client at the stand-in's HTTP endpoint. */
export function standInClientConfig(standIn: AwsStandIn): ClientConfig & { credentials: { accessKeyId: string; secretAccessKey: string } } {
  if (!standIn.http) throw new Error('the stand-in was started without its HTTP APIs');
  return {
    region: standIn.model.region,
    endpoint: standIn.http.endpoint,
    credentials: { accessKeyId: 'stand-in', secretAccessKey: 'stand-in' },
  };
}

/**
 * Deploys the backend into the stand-in as the CDK app deploys it into an account: the SNS
 * topic, the job template, the three Lambda functions (the real handler code, with the stand-in
 * as their AWS endpoint), the three topic rules with the original's SQL, and the custom resource
 * that turns on job execution events. Everything goes through the real AWS SDK clients.
 */
export async function deployBackend(standIn: AwsStandIn, options: DeployBackendOptions): Promise<BackendDeployment> {
  const clientConfig = standInClientConfig(standIn);
  const { region, accountId } = standIn.model;
  const prefix = DEFAULT_NAME_PREFIX;
  const iot = new IoTClient(clientConfig);
  const sns = new SNSClient(clientConfig);
  const logger = (serviceName: string): PowertoolsLogger =>
    new PowertoolsLogger({ serviceName, logLevel: options.logLevel ?? 'WARN' });

  const topic = await sns.send(new CreateTopicCommand({ Name: `${prefix}Notification`, Attributes: { DisplayName: NOTIFICATION_DISPLAY_NAME } }));
  const snsTopicArn = topic.TopicArn ?? '';

  const template = await iot.send(
    new CreateJobTemplateCommand({
      jobTemplateId: prefix,
      description: 'Rotates the certificate and private key of AWS IoT Greengrass core devices',
      document: JOB_DOCUMENT,
      jobExecutionsRolloutConfig: {
        maximumPerMinute: 100,
        exponentialRate: { baseRatePerMinute: 100, incrementFactor: 1.2, rateIncreaseCriteria: { numberOfSucceededThings: 100 } },
      },
      timeoutConfig: { inProgressTimeoutInMinutes: options.inProgressTimeoutMinutes ?? 5 },
    }),
  );

  let pca: { caArn: string; validityInDays: number; signingAlgorithm: PcaSigningAlgorithm } | undefined;
  if (options.issuer === 'pca') {
    const signingAlgorithm = options.pcaSigningAlgorithm ?? 'SHA256WITHRSA';
    const ca = await standIn.model.privateCa.createCertificateAuthority({
      keyAlgorithm: options.pcaKey ?? (signingAlgorithm.endsWith('ECDSA') ? 'EC_prime256v1' : 'RSA_2048'),
    });
    pca = { caArn: ca.certificateAuthorityArn, validityInDays: options.pcaValidityInDays ?? 7, signingAlgorithm };
  }

  const common = { clientConfig, jobDocument: JOB_DOCUMENT, shadowName: SHADOW_NAME };
  const functions = {
    createCertificate: createCreateCertificateHandler({ ...common, logger: logger(`${prefix}CreateCertificate`), ...(pca ? { pca } : {}) }),
    commitCertificate: createCommitCertificateHandler({ ...common, logger: logger(`${prefix}CommitCertificate`) }),
    jobExecutionTerminal: createJobExecutionTerminalHandler({ ...common, snsTopicArn, logger: logger(`${prefix}JobExecutionTerminal`) }),
  };
  const ruleNames = {
    createCertificate: `${prefix}CreateCertificate`,
    commitCertificate: `${prefix}CommitCertificate`,
    jobExecutionTerminal: `${prefix}JobExecutionTerminal`,
  };
  for (const key of Object.keys(functions) as Array<keyof typeof functions>) {
    const functionArn = `arn:aws:lambda:${region}:${accountId}:function:${ruleNames[key]}`;
    const handler = functions[key];
    standIn.rules.registerFunction(functionArn, (event) => handler(event));
    await iot.send(
      new CreateTopicRuleCommand({
        ruleName: ruleNames[key],
        topicRulePayload: { sql: RULE_SQL[key], awsIotSqlVersion: RULE_SQL_VERSION, ruleDisabled: false, actions: [{ lambda: { functionArn } }] },
      }),
    );
  }

  const enableEvents = createJobExecutionEventsHandler({ clientConfig, logger: logger(`${prefix}CustomResourceJobExecutionEvents`) });
  await enableEvents({ RequestType: 'Create' });

  iot.destroy();
  sns.destroy();
  return { jobTemplateArn: template.jobTemplateArn ?? '', snsTopicArn, ruleNames, ...(pca ? { pcaCaArn: pca.caArn } : {}) };
}
