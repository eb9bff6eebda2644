import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateJobCommand, DescribeJobExecutionCommand, IoTClient } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendResourceNames, JOB_DOCUMENT, renderRuleSql } from '../../shared/contract/index.js';
import { watchJob } from '../../shared/operator/job-watch.js';
import { certificateIdOf, startAwsStandIn, stderrLogger, type AwsStandIn, type Template } from '../aws/index.js';
import { deployBackend, standInClientConfig, type BackendDeployment } from './deploy-backend.js';
import { provisionFleet, type ProvisionedCore } from './fleet.js';
import { startInlineFleet, type RunningCore } from './fleet-runner.js';
import { INLINE_TEST_TIME_SCALE } from './start-fleet.js';

const GROUP = 'TemplateBackendFleet';
const ALGORITHMS = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' } as const;
const names = backendResourceNames();

type Json = Record<string, unknown>;

/** The synthesized template with one action taken out of every statement of a function's role. */
function withoutAction(template: Template, functionName: string, action: string): Template {
  const fn = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.['FunctionName'] === functionName,
  );
  const roleId = ((fn?.Properties?.['Role'] as Json)['Fn::GetAtt'] as string[])[0] ?? '';
  const role = template.Resources[roleId]?.Properties as { Policies: Array<{ PolicyDocument: { Statement: Json[] } }> };
  let removed = 0;
  for (const policy of role.Policies) {
    for (const statement of policy.PolicyDocument.Statement) {
      const actions = [statement['Action']].flat() as string[];
      if (actions.includes(action)) removed += 1;
      statement['Action'] = actions.filter((a) => a !== action);
    }
    policy.PolicyDocument.Statement = policy.PolicyDocument.Statement.filter((s) => (s['Action'] as string[]).length > 0);
  }
  if (removed === 0) throw new Error(`${functionName}'s role does not grant ${action}`);
  return template;
}

describe('the backend deployed from its synthesized CloudFormation template', () => {
  let standIn: AwsStandIn;
  let backend: BackendDeployment;
  let workDir: string;
  let cores: ProvisionedCore[];
  let fleet: RunningCore[] = [];
  let iot: IoTClient;

  const rotate = async (label: string): Promise<{ status: string; reason?: string }> => {
    const jobId = `${label}-${Date.now()}`;
    const [core] = cores;
    const thingArn = standIn.model.registry.things.describeThing(core?.thingName ?? '').thingArn;
    await iot.send(new CreateJobCommand({ jobId, jobTemplateArn: backend.jobTemplateArn, targets: [thingArn] }));
    const progress = await watchJob(iot, jobId, {
      intervalMs: 200,
      timeoutMs: (6 * 60_000) / INLINE_TEST_TIME_SCALE + 30_000,
      expectedThings: 1,
    });
    const execution = await iot.send(new DescribeJobExecutionCommand({ jobId, thingName: core?.thingName ?? '' }));
    const reason = execution.execution?.statusDetails?.detailsMap?.['DeviceFailureReason'];
    return { status: progress.executions[0]?.status ?? 'NONE', ...(reason ? { reason } : {}) };
  };

  beforeAll(async () => {
    standIn = await startAwsStandIn({ minuteMs: 60_000 / INLINE_TEST_TIME_SCALE, logger: stderrLogger('error') });
    backend = await deployBackend(standIn, { issuer: 'iot', logLevel: 'SILENT' });
    workDir = await mkdtemp(path.join(tmpdir(), 'template-backend-'));
    cores = await provisionFleet(standIn, { count: 1, workDir, thingGroupName: GROUP, algorithms: ALGORITHMS });
    fleet = await startInlineFleet(standIn, cores, { algorithms: ALGORITHMS, componentTimerScale: INLINE_TEST_TIME_SCALE });
    iot = new IoTClient(standInClientConfig(standIn));
  }, 300_000);

  afterAll(async () => {
    for (const core of fleet) await core.stop().catch(() => undefined);
    iot?.destroy();
    await standIn?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('creates what the stack declares, as the template writes it', () => {
    const lambda = standIn.lambda!;
    const fn = (name: string) => lambda.getFunction(name);
    expect(backend.kind).toBe('template');
    expect(fn(names.functions.createCertificate)).toMatchObject({
      timeoutSeconds: 60,
      memoryMb: 256,
      handler: 'index.handler',
      runtime: 'nodejs24.x',
    });
    expect(fn(names.functions.createCertificate).environment).toEqual({
      JOB_DOCUMENT,
      PCA_CA_ARN: '',
      PCA_VALIDITY_IN_DAYS: '7',
      PCA_SIGNING_ALGORITHM: 'SHA256WITHRSA',
      SHADOW_NAME: names.shadow,
    });
    expect(fn(names.functions.commitCertificate).timeoutSeconds).toBe(25);
    expect(fn(names.functions.jobExecutionTerminal)).toMatchObject({
      timeoutSeconds: 30,
      environment: { SNS_TOPIC_ARN: backend.snsTopicArn },
    });
    // Each function runs its own bundle with its own role.
    const roles = new Set(lambda.listFunctions().map((f) => f.roleArn));
    expect(roles.size).toBe(lambda.listFunctions().length);
    expect(new Set(lambda.listFunctions().map((f) => f.codeDirectory)).size).toBe(lambda.listFunctions().length);

    const sql = renderRuleSql();
    for (const key of ['createCertificate', 'commitCertificate', 'jobExecutionTerminal'] as const) {
      const rule = standIn.rules.getTopicRule(names.rules[key]);
      expect(rule.sql).toBe(sql[key]);
      expect(rule.actions).toEqual([{ lambda: { functionArn: fn(names.functions[key]).functionArn } }]);
    }
    const template = standIn.model.jobTemplates.describeJobTemplate(names.jobTemplate);
    expect(template).toMatchObject({ document: JOB_DOCUMENT, timeoutConfig: { inProgressTimeoutInMinutes: 5 } });
    expect(standIn.model.sns.listTopics()).toEqual([
      expect.objectContaining({ topicArn: backend.snsTopicArn, name: names.notificationTopic }),
    ]);
    // The custom resource's own function switched job execution events on, with its own role.
    expect(standIn.model.eventConfigurations.describe().eventConfigurations['JOB_EXECUTION']).toEqual({ Enabled: true });
    expect(
      lambda.logs.lines(`/aws/lambda/${names.jobExecutionEventsFunction}`).some((line) => line.includes('JOB_EXECUTION events enabled')),
    ).toBe(true);
  });

  it('fails the rotation with AccessDenied, naming the action, when the template takes that permission away', async () => {
    const [core] = cores;
    const before = certificateIdOf(await fleet[0]!.probe.certificatePem());
    const replies: Array<{ topic: string; errorMsg?: string }> = [];
    const stop = standIn.model.messages.onMessage((m) => {
      if (m.topic.endsWith('/certificate/create/rejected'))
        replies.push({ topic: m.topic, ...(JSON.parse(m.payload.toString()) as { errorMsg?: string }) });
    });
    try {
      await backend.updateTemplate((template) =>
        withoutAction(template, names.functions.createCertificate, 'iot:CreateCertificateFromCsr'),
      );
      expect(await rotate('access-denied')).toEqual({ status: 'FAILED', reason: 'Create was rejected.' });
    } finally {
      stop();
    }
    const roleName = standIn.lambda!.getFunction(names.functions.createCertificate).roleArn.split('/').at(-1);
    const denial =
      `AccessDeniedException: User: arn:aws:sts::${standIn.model.accountId}:assumed-role/${roleName}/${names.functions.createCertificate} ` +
      'is not authorized to perform: iot:CreateCertificateFromCsr because no identity-based policy allows the iot:CreateCertificateFromCsr action';
    expect(replies).toEqual([
      { topic: `awslabs/things/${core?.thingName}/certificate/create/rejected`, errorMsg: expect.stringContaining(denial) },
    ]);
    expect(
      standIn
        .lambda!.logs.lines(`/aws/lambda/${names.functions.createCertificate}`)
        .some((line) => line.includes('not authorized to perform: iot:CreateCertificateFromCsr')),
    ).toBe(true);
    await standIn.rules.whenIdle();
    expect(certificateIdOf(await fleet[0]!.probe.certificatePem())).toBe(before);
  });

  it('rotates once the stack is deployed as synthesized again', async () => {
    const before = certificateIdOf(await fleet[0]!.probe.certificatePem());
    await backend.useIssuer({ kind: 'iot' });
    expect(await rotate('restored')).toEqual({ status: 'SUCCEEDED' });
    const after = certificateIdOf(await fleet[0]!.probe.certificatePem());
    expect(after).not.toBe(before);
    // The terminal function, with its role, deletes the old certificate.
    await expect
      .poll(() => standIn.model.registry.certificates.find(before)?.status ?? 'DELETED', { timeout: 30_000, interval: 200 })
      .toBe('DELETED');
  });
});
