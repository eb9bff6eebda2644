import type { PcaSigningAlgorithm } from '../../backend/src/index.js';
import { backendResourceNames } from '../../shared/contract/index.js';
import { CloudFormationStack, stderrLogger, type AwsStandIn, type SdkClientConfig, type Template } from '../aws/index.js';
import { countSecurityEvents, echoFunctionLogs, type LogLevel } from './function-log-echo.js';
import { synthesizeBackend, type BackendContext } from './backend-synth.js';

export type IssuerChoice = { kind: 'iot' } | { kind: 'pca'; signingAlgorithm: PcaSigningAlgorithm };

export interface BackendDeployment {
  /** How the backend got into the stand-in: its synthesized CloudFormation template. */
  kind: 'template';
  stack: CloudFormationStack;
  jobTemplateArn: string;
  snsTopicArn: string;
  ruleNames: { createCertificate: string; commitCertificate: string; jobExecutionTerminal: string };
  /** The Private CA in use, when the issuer is AWS Private CA. */
  pcaCaArn(): string | undefined;
  /** Requests the create and commit functions dropped because they did not come from the thing they name. */
  securityEvents(): number;
  /**
   * Redeploys the stack with the CDK context of another issuer (`cdk deploy -c PcaCaId=...`): the
   * create function's environment and its role change together. The stand-in keeps one Private
   * CA per key family.
   */
  useIssuer(issuer: IssuerChoice): Promise<void>;
  /** Updates the stack to another template (a test that edits the synthesized one). */
  updateTemplate(edit: (template: Template) => Template): Promise<void>;
}

export interface DeployBackendOptions {
  issuer: 'iot' | 'pca';
  /** Key of the Private CA that the stand-in creates for `issuer: 'pca'`. */
  pcaKey?: 'RSA_2048' | 'EC_prime256v1' | 'EC_secp384r1';
  pcaSigningAlgorithm?: PcaSigningAlgorithm;
  pcaValidityInDays?: number;
  /** Function log lines at or above this level are echoed on stderr; all are kept in the stand-in's log groups. */
  logLevel?: LogLevel;
  /** The job template's in-progress timeout, as the construct's `inProgressTimeoutMinutes` prop sets it. */
  inProgressTimeoutMinutes?: number;
  /** A flat rollout of this many executions a minute instead of the construct's exponential one (its `rollout` prop). */
  rolloutPerMinute?: number;
  /** Told what is being deployed as each step starts, as `cdk deploy` shows it. */
  progress?: (step: string) => void;
}

/** SDK client settings that point an AWS SDK client of this process at the stand-in, as the account's administrator. */
export function standInClientConfig(standIn: AwsStandIn): SdkClientConfig {
  if (!standIn.http) throw new Error('the stand-in was started without its HTTP APIs');
  return standIn.http.clientConfig();
}

/**
 * Deploys the backend into the stand-in as `cdk deploy` deploys it into an account: the CDK app is
 * synthesized (see backend-synth.ts) and the stack's template is created as written, so the
 * functions run their bundled code with their own roles, and every AWS call they make is checked
 * against those roles.
 */
export async function deployBackend(standIn: AwsStandIn, options: DeployBackendOptions): Promise<BackendDeployment> {
  const { lambda, model, rules } = standIn;
  if (!lambda) throw new Error('the stand-in was started without its HTTP APIs, so it has no Lambda to run the backend');
  const caByFamily = new Map<'RSA' | 'EC', string>();
  const privateCa = async (signingAlgorithm: PcaSigningAlgorithm): Promise<string> => {
    const family = signingAlgorithm.endsWith('ECDSA') ? 'EC' : 'RSA';
    let arn = caByFamily.get(family);
    if (!arn) {
      const keyAlgorithm = family === 'EC' ? 'EC_prime256v1' : (options.pcaKey ?? 'RSA_2048');
      arn = (await model.privateCa.createCertificateAuthority({ keyAlgorithm })).certificateAuthorityArn;
      caByFamily.set(family, arn);
    }
    return arn;
  };
  let pcaInUse: string | undefined;
  const contextFor = async (issuer: IssuerChoice): Promise<BackendContext> => {
    pcaInUse = issuer.kind === 'pca' ? await privateCa(issuer.signingAlgorithm) : undefined;
    return {
      PcaCaId: pcaInUse?.split('/').at(-1) ?? '',
      PcaValidityInDays: String(options.pcaValidityInDays ?? 7),
      PcaSigningAlgorithm: issuer.kind === 'pca' ? issuer.signingAlgorithm : 'SHA256WITHRSA',
    };
  };
  const initial: IssuerChoice =
    options.issuer === 'pca' ? { kind: 'pca', signingAlgorithm: options.pcaSigningAlgorithm ?? 'SHA256WITHRSA' } : { kind: 'iot' };
  const progress = options.progress ?? (() => undefined);
  progress('synthesizing the CDK app, bundling its handlers');
  let synthesized = await synthesizeBackend(await contextFor(initial));
  const asConfigured = (template: Template): Template => withJobTemplateSettings(template, options);
  const target = {
    model,
    rules,
    lambda,
    logger: stderrLogger('warn', 'cloudformation'),
    code: (bucket: string, key: string) => synthesized.code(bucket, key),
  };
  echoFunctionLogs(lambda.logs, options.logLevel ?? 'WARN');
  const securityEvents = countSecurityEvents(lambda.logs);
  progress(`stack ${synthesized.stackName}: ${Object.keys(synthesized.template.Resources).length} resources from its template`);
  const stack = await CloudFormationStack.create(target, synthesized.stackName, asConfigured(synthesized.template));

  const jobTemplateId = stack.physicalId(onlyOf(stack, 'AWS::IoT::JobTemplate'));
  return {
    kind: 'template',
    stack,
    jobTemplateArn: model.jobTemplates.describeJobTemplate(jobTemplateId).jobTemplateArn,
    snsTopicArn: stack.physicalId(onlyOf(stack, 'AWS::SNS::Topic')),
    ruleNames: { ...backendResourceNames().rules },
    pcaCaArn: () => pcaInUse,
    securityEvents: () => securityEvents.count,
    useIssuer: async (issuer) => {
      synthesized = await synthesizeBackend(await contextFor(issuer));
      await stack.update(asConfigured(synthesized.template));
    },
    updateTemplate: async (edit) => {
      await stack.update(edit(asConfigured(synthesized.template)));
    },
  };
}

/**
 * The job template as the construct's `rollout` and `inProgressTimeoutMinutes` props would have
 * synthesized it; the template itself is left alone when neither is given.
 */
function withJobTemplateSettings(template: Template, options: DeployBackendOptions): Template {
  const copy = structuredClone(template);
  if (options.rolloutPerMinute === undefined && options.inProgressTimeoutMinutes === undefined) return copy;
  for (const resource of Object.values(copy.Resources)) {
    if (resource.Type !== 'AWS::IoT::JobTemplate' || !resource.Properties) continue;
    if (options.rolloutPerMinute !== undefined)
      resource.Properties['JobExecutionsRolloutConfig'] = { MaximumPerMinute: options.rolloutPerMinute };
    if (options.inProgressTimeoutMinutes !== undefined)
      resource.Properties['TimeoutConfig'] = { InProgressTimeoutInMinutes: options.inProgressTimeoutMinutes };
  }
  return copy;
}

function onlyOf(stack: CloudFormationStack, type: string): string {
  const ids = stack.logicalIdsOf(type);
  if (ids.length !== 1 || ids[0] === undefined) throw new Error(`the backend stack declares ${ids.length} ${type}, expected one`);
  return ids[0];
}
