import { CreateJobTemplateCommand, CreateTopicRuleCommand, IoTClient } from '@aws-sdk/client-iot';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import {
  createCommitCertificateHandler,
  createCreateCertificateHandler,
  createJobExecutionEventsHandler,
  createJobExecutionTerminalHandler,
  type ClientConfig,
  type IssuerSettings,
  type PcaSigningAlgorithm,
  type RotationHandler,
} from '../../backend/src/index.js';
import {
  backendResourceNames,
  JOB_DOCUMENT,
  NOTIFICATION_SUBJECT,
  renderRuleSql,
  RULE_SQL_VERSION,
  SHADOW_NAME,
} from '../../shared/contract/index.js';
import type { AwsStandIn } from '../aws/index.js';

export type IssuerChoice = { kind: 'iot' } | { kind: 'pca'; signingAlgorithm: PcaSigningAlgorithm };

export interface BackendDeployment {
  jobTemplateArn: string;
  snsTopicArn: string;
  ruleNames: { createCertificate: string; commitCertificate: string; jobExecutionTerminal: string };
  /** The Private CA in use, when the issuer is AWS Private CA. */
  pcaCaArn(): string | undefined;
  /** Requests the create and commit functions dropped because they did not come from the thing they name. */
  securityEvents(): number;
  /**
   * Changes the create function's issuer, as changing its PCA_* environment variables does in an
   * account; the stand-in keeps one Private CA per key family.
   */
  useIssuer(issuer: IssuerChoice): Promise<void>;
}

export interface DeployBackendOptions {
  issuer: 'iot' | 'pca';
  /** Key of the Private CA that the stand-in creates for `issuer: 'pca'`. */
  pcaKey?: 'RSA_2048' | 'EC_prime256v1' | 'EC_secp384r1';
  pcaSigningAlgorithm?: PcaSigningAlgorithm;
  pcaValidityInDays?: number;
  /** Job template rollout and timeout, as the CDK construct's defaults. */
  inProgressTimeoutMinutes?: number;
  /** A flat rollout of this many executions a minute instead of the construct's exponential one. */
  rolloutPerMinute?: number;
  /** Lambda log level; the demo keeps the handlers quiet. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Told what is being deployed as each resource starts, as `cdk deploy` shows it. */
  progress?: (step: string) => void;
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
  const names = backendResourceNames();
  const iot = new IoTClient(clientConfig);
  const sns = new SNSClient(clientConfig);
  const logger = (serviceName: string): PowertoolsLogger => new PowertoolsLogger({ serviceName, logLevel: options.logLevel ?? 'WARN' });

  const progress = options.progress ?? (() => undefined);
  progress(`SNS topic ${names.notificationTopic}`);
  const topic = await sns.send(
    new CreateTopicCommand({ Name: names.notificationTopic, Attributes: { DisplayName: NOTIFICATION_SUBJECT } }),
  );
  const snsTopicArn = topic.TopicArn ?? '';

  progress(`job template ${names.jobTemplate}`);
  const template = await iot.send(
    new CreateJobTemplateCommand({
      jobTemplateId: names.jobTemplate,
      description: 'Rotates the certificate and private key of AWS IoT Greengrass core devices',
      document: JOB_DOCUMENT,
      jobExecutionsRolloutConfig:
        options.rolloutPerMinute === undefined
          ? {
              maximumPerMinute: 100,
              exponentialRate: { baseRatePerMinute: 100, incrementFactor: 1.2, rateIncreaseCriteria: { numberOfSucceededThings: 100 } },
            }
          : { maximumPerMinute: options.rolloutPerMinute },
      timeoutConfig: { inProgressTimeoutInMinutes: options.inProgressTimeoutMinutes ?? 5 },
    }),
  );

  let securityEvents = 0;
  const common = { clientConfig, jobDocument: JOB_DOCUMENT, shadowName: SHADOW_NAME, onSecurityEvent: () => void (securityEvents += 1) };
  const caByFamily = new Map<'RSA' | 'EC', string>();
  const privateCa = async (signingAlgorithm: PcaSigningAlgorithm): Promise<string> => {
    const family = signingAlgorithm.endsWith('ECDSA') ? 'EC' : 'RSA';
    let arn = caByFamily.get(family);
    if (!arn) {
      const keyAlgorithm = family === 'EC' ? 'EC_prime256v1' : (options.pcaKey ?? 'RSA_2048');
      arn = (await standIn.model.privateCa.createCertificateAuthority({ keyAlgorithm })).certificateAuthorityArn;
      caByFamily.set(family, arn);
    }
    return arn;
  };
  let pcaInUse: string | undefined;
  const createFunction = async (issuer: IssuerChoice): Promise<RotationHandler> => {
    pcaInUse = issuer.kind === 'pca' ? await privateCa(issuer.signingAlgorithm) : undefined;
    const settings: IssuerSettings =
      issuer.kind === 'pca' && pcaInUse
        ? { kind: 'private-ca', caArn: pcaInUse, validityInDays: options.pcaValidityInDays ?? 7, signingAlgorithm: issuer.signingAlgorithm }
        : { kind: 'iot-core' };
    return createCreateCertificateHandler({ ...common, logger: logger(names.functions.createCertificate), issuer: settings });
  };
  const initialIssuer: IssuerChoice =
    options.issuer === 'pca' ? { kind: 'pca', signingAlgorithm: options.pcaSigningAlgorithm ?? 'SHA256WITHRSA' } : { kind: 'iot' };

  progress(`three Lambda functions${initialIssuer.kind === 'pca' ? ' and a Private CA for them' : ''}`);
  const functions = {
    createCertificate: await createFunction(initialIssuer),
    commitCertificate: createCommitCertificateHandler({ ...common, logger: logger(names.functions.commitCertificate) }),
    jobExecutionTerminal: createJobExecutionTerminalHandler({
      ...common,
      snsTopicArn,
      logger: logger(names.functions.jobExecutionTerminal),
    }),
  };
  const ruleNames = names.rules;
  const ruleSql = renderRuleSql();
  const functionArn = (name: string): string => `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  progress('three topic rules');
  for (const key of Object.keys(functions) as Array<keyof typeof functions>) {
    const handler: RotationHandler = functions[key];
    standIn.rules.registerFunction(functionArn(names.functions[key]), (event) => handler(event));
    await iot.send(
      new CreateTopicRuleCommand({
        ruleName: ruleNames[key],
        topicRulePayload: {
          sql: ruleSql[key],
          awsIotSqlVersion: RULE_SQL_VERSION,
          ruleDisabled: false,
          actions: [{ lambda: { functionArn: functionArn(names.functions[key]) } }],
        },
      }),
    );
  }

  progress('custom resource: job execution events on');
  const enableEvents = createJobExecutionEventsHandler({ clientConfig, logger: logger(names.jobExecutionEventsFunction) });
  await enableEvents({ RequestType: 'Create' });

  iot.destroy();
  sns.destroy();
  return {
    jobTemplateArn: template.jobTemplateArn ?? '',
    snsTopicArn,
    ruleNames,
    pcaCaArn: () => pcaInUse,
    securityEvents: () => securityEvents,
    useIssuer: async (issuer) => {
      const handler = await createFunction(issuer);
      standIn.rules.registerFunction(functionArn(names.functions.createCertificate), (event) => handler(event));
    },
  };
}
