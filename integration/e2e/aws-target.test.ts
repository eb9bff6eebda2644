import { ACMPCAClient, DescribeCertificateAuthorityCommand } from '@aws-sdk/client-acm-pca';
import { CreateDeploymentCommand, GetDeploymentCommand, GreengrassV2Client, ListDeploymentsCommand } from '@aws-sdk/client-greengrassv2';
import {
  DescribeEndpointCommand,
  DescribeJobCommand,
  DescribeJobExecutionCommand,
  DescribeThingGroupCommand,
  IoTClient,
  ListJobExecutionsForJobCommand,
  ListThingsInThingGroupCommand,
} from '@aws-sdk/client-iot';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notConfiguredMessage, readAwsTargetConfig, type AwsTargetConfig } from './aws-config.js';
import { COMPONENT_NAME, componentValidationMessage } from './aws-deployment.js';
import { createAwsTarget, CREATE_FUNCTION_NAME, JOB_TEMPLATE_ID } from './aws-target.js';
import type { RotationTarget } from './target.js';

/**
 * The slice of aws-sdk-client-mock's stub these tests use. (The mock library compiles against an
 * older @smithy/types than the clients, so its generics reject today's command classes although
 * they work at run time.)
 */
interface Stub {
  on<I extends object>(command: new (input: I) => unknown, input?: Partial<I>): Behaviour;
  commandCalls<I extends object>(command: new (input: I) => unknown): { args: [{ input: I }] }[];
  reset(): void;
  restore(): void;
}
interface Behaviour {
  resolves(output: unknown): Behaviour;
  resolvesOnce(output: unknown): Behaviour;
  rejects(error: unknown): Behaviour;
  rejectsOnce(error: unknown): Behaviour;
}
const stubOf = (client: unknown): Stub => mockClient(client as never) as unknown as Stub;

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const GROUP = 'RotatorTestCores';
const GROUP_ARN = `arn:aws:iot:${REGION}:${ACCOUNT}:thinggroup/${GROUP}`;
const CA_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const CA_ARN = `arn:aws:acm-pca:${REGION}:${ACCOUNT}:certificate-authority/${CA_ID}`;
const CONFIG: AwsTargetConfig = { configured: true, region: REGION, thingGroupName: GROUP, pcaCaId: CA_ID, jobTimeoutMinutes: 15 };
const THINGS = ['core-a', 'core-b'];

function awsError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} from the service`), { name, $metadata: { httpStatusCode }, $fault: 'client' });
}

describe('readAwsTargetConfig', () => {
  it('names every missing variable', () => {
    expect(readAwsTargetConfig({})).toEqual({ configured: false, missing: ['THING_GROUP_NAME', 'AWS_REGION'] });
    expect(readAwsTargetConfig({ AWS_REGION: 'eu-west-1', THING_GROUP_NAME: '  ' })).toEqual({ configured: false, missing: ['THING_GROUP_NAME'] });
    expect(readAwsTargetConfig({ THING_GROUP_NAME: GROUP, PCA_CA_ID: CA_ID })).toEqual({ configured: false, missing: ['AWS_REGION'] });
  });

  it('says which variables to set', () => {
    const result = readAwsTargetConfig({ AWS_REGION: REGION });
    expect(result.configured).toBe(false);
    if (!result.configured) expect(notConfiguredMessage(result)).toMatch(/^AWS target not configured: set THING_GROUP_NAME \(/);
  });

  it('takes the region from AWS_DEFAULT_REGION, treats an empty PCA_CA_ID as none, and defaults the job timeout', () => {
    expect(readAwsTargetConfig({ AWS_DEFAULT_REGION: 'us-gov-west-1', THING_GROUP_NAME: GROUP, PCA_CA_ID: '' })).toEqual({
      configured: true,
      region: 'us-gov-west-1',
      thingGroupName: GROUP,
      jobTimeoutMinutes: 15,
    });
  });

  it('prefers AWS_REGION and reads PCA_CA_ID and JOB_TIMEOUT_MINUTES', () => {
    const env = { AWS_REGION: REGION, AWS_DEFAULT_REGION: 'us-east-1', THING_GROUP_NAME: GROUP, PCA_CA_ID: CA_ID, JOB_TIMEOUT_MINUTES: '45' };
    expect(readAwsTargetConfig(env)).toEqual({ ...CONFIG, jobTimeoutMinutes: 45 });
  });

  it('refuses malformed values, naming the variable', () => {
    expect(() => readAwsTargetConfig({ AWS_REGION: REGION, THING_GROUP_NAME: 'no spaces allowed' })).toThrow(/THING_GROUP_NAME must be a thing group name/);
    expect(() => readAwsTargetConfig({ AWS_REGION: 'Ireland', THING_GROUP_NAME: GROUP })).toThrow(/AWS_REGION must be an AWS region/);
    expect(() => readAwsTargetConfig({ AWS_REGION: REGION, THING_GROUP_NAME: GROUP, JOB_TIMEOUT_MINUTES: '-3' })).toThrow(/JOB_TIMEOUT_MINUTES/);
    expect(() => readAwsTargetConfig({ AWS_REGION: REGION, THING_GROUP_NAME: GROUP, PCA_CA_ID: CA_ARN })).toThrow(/PCA_CA_ID must be the id/);
  });
});

describe('componentValidationMessage', () => {
  const wrap = (message: string): string =>
    `Components reported that their to-be-deployed configuration is invalid { name = ${COMPONENT_NAME}, message = ${message} }`;

  it("extracts the component's reason from the nucleus's failure cause", () => {
    expect(componentValidationMessage(wrap('Invalid key algorithm RSA-1024'))).toBe('Invalid key algorithm RSA-1024');
  });

  it('finds the component among several rejecting ones and before a chained cause', () => {
    const cause = `${wrap('Invalid signing algorithm SHA1WITHRSA')} { name = other.Component, message = nope }. DynamicConfigurationValidationException`;
    expect(componentValidationMessage(cause)).toBe('Invalid signing algorithm SHA1WITHRSA');
    expect(componentValidationMessage(`${wrap('Key algorithm and signing algorithm have mismatched types')}. cause`)).toBe(
      'Key algorithm and signing algorithm have mismatched types',
    );
  });

  it('is undefined when the cause is not a validation rejection by the component', () => {
    expect(componentValidationMessage('Error while waiting for validation report for one or more components:timeout')).toBeUndefined();
  });
});

describe('createAwsTarget', () => {
  const iot = stubOf(IoTClient);
  const greengrass = stubOf(GreengrassV2Client);
  const lambda = stubOf(LambdaClient);
  const pca = stubOf(ACMPCAClient);
  const sts = stubOf(STSClient);
  const sleeps: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
  };
  let target: RotationTarget | undefined;

  beforeEach(() => {
    for (const stub of [iot, greengrass, lambda, pca, sts]) stub.reset();
    sleeps.length = 0;
    iot.on(DescribeEndpointCommand, { endpointType: 'iot:Data-ATS' }).resolves({ endpointAddress: 'abc-ats.iot.eu-west-1.amazonaws.com' });
    iot.on(DescribeThingGroupCommand, { thingGroupName: GROUP }).resolves({ thingGroupName: GROUP, thingGroupArn: GROUP_ARN });
    iot.on(ListThingsInThingGroupCommand).resolves({ things: THINGS });
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ci/session` });
  });
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  it('describes the account: data endpoint, group, template and timeouts', async () => {
    target = await createAwsTarget({ ...CONFIG, jobTimeoutMinutes: 30 }, { sleep });
    expect(target).toMatchObject({ thingGroupName: GROUP, jobTemplateId: JOB_TEMPLATE_ID, jobTimeoutMs: 30 * 60_000, cleanupTimeoutMs: 120_000, pollIntervalMs: 5_000 });
    expect(await target.iotData.config.endpoint?.()).toMatchObject({ hostname: 'abc-ats.iot.eu-west-1.amazonaws.com', protocol: 'https:' });
    expect(target.installedCertificatePem).toBeUndefined();
    expect(target.coreConnects).toBeUndefined();
    expect(target.notifications).toBeUndefined();
  });

  it('lists every page of the thing group', async () => {
    iot.on(ListThingsInThingGroupCommand).resolvesOnce({ things: ['core-1', 'core-2'], nextToken: 'page-2' }).resolvesOnce({ things: ['core-3'] });
    target = await createAwsTarget(CONFIG, { sleep });
    expect(await target.things()).toEqual(['core-1', 'core-2', 'core-3']);
    expect(iot.commandCalls(ListThingsInThingGroupCommand).map((c) => c.args[0].input.nextToken)).toEqual([undefined, 'page-2']);
  });

  describe('deployConfiguration', () => {
    const LATEST = {
      deploymentId: 'deployment-1',
      targetArn: GROUP_ARN,
      deploymentName: 'Rotator test fleet',
      components: {
        [COMPONENT_NAME]: { componentVersion: '1.2.3', configurationUpdate: { reset: [''] } },
        'aws.greengrass.Nucleus': { componentVersion: '2.12.0', configurationUpdate: { merge: '{"logging":{"level":"INFO"}}' } },
      },
      deploymentPolicies: { failureHandlingPolicy: 'ROLLBACK', configurationValidationPolicy: { timeoutInSeconds: 60 } },
    };

    /** The latest deployment, and how GetDeployment answers for the one the target creates. */
    function answerDeployments(created = (b: Behaviour): unknown => b.resolves({ ...LATEST, deploymentId: 'deployment-2', iotJobId: 'job-2' })): void {
      greengrass.on(ListDeploymentsCommand).resolves({ deployments: [{ deploymentId: 'deployment-1' }] });
      greengrass.on(GetDeploymentCommand, { deploymentId: 'deployment-1' }).resolves(LATEST);
      greengrass.on(CreateDeploymentCommand).resolves({ deploymentId: 'deployment-2' });
      created(greengrass.on(GetDeploymentCommand, { deploymentId: 'deployment-2' }));
    }

    const summariesOf = (statuses: Record<string, string>): unknown => ({
      executionSummaries: Object.entries(statuses).map(([thing, status]) => ({
        thingArn: `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${thing}`,
        jobExecutionSummary: { status },
      })),
    });

    /** A deployment job whose executions have ended as given. */
    function answerJob(executions: Record<string, { status: string; detailsMap?: Record<string, string> }>): void {
      iot.on(DescribeJobCommand, { jobId: 'job-2' }).resolves({ job: { jobId: 'job-2', status: 'IN_PROGRESS' } });
      iot.on(ListJobExecutionsForJobCommand, { jobId: 'job-2' }).resolves(summariesOf(Object.fromEntries(Object.entries(executions).map(([t, e]) => [t, e.status]))));
      for (const [thingName, e] of Object.entries(executions)) {
        iot.on(DescribeJobExecutionCommand, { jobId: 'job-2', thingName }).resolves({
          execution: { jobId: 'job-2', thingName, status: e.status, statusDetails: { detailsMap: e.detailsMap } },
        });
      }
    }

    it("revises the group's latest deployment with the configuration merged into the component only", async () => {
      answerDeployments();
      answerJob({ 'core-a': { status: 'SUCCEEDED' }, 'core-b': { status: 'SUCCEEDED' } });
      target = await createAwsTarget(CONFIG, { sleep });
      await target.deployConfiguration({ keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' });
      expect(greengrass.commandCalls(ListDeploymentsCommand)[0]?.args[0].input).toEqual({ targetArn: GROUP_ARN, historyFilter: 'LATEST_ONLY', maxResults: 1 });
      const created = greengrass.commandCalls(CreateDeploymentCommand).map((c) => c.args[0].input);
      expect(created).toEqual([
        {
          targetArn: GROUP_ARN,
          deploymentName: 'Rotator test fleet',
          components: {
            [COMPONENT_NAME]: { componentVersion: '1.2.3', configurationUpdate: { merge: '{"keyAlgorithm":"ECDSA-P256","signingAlgorithm":"ECDSA-WITH-SHA256"}' } },
            'aws.greengrass.Nucleus': LATEST.components['aws.greengrass.Nucleus'],
          },
          deploymentPolicies: LATEST.deploymentPolicies,
        },
      ]);
    });

    it('reports each core SUCCEEDED once the deployment job has ended', async () => {
      answerDeployments();
      iot.on(DescribeJobCommand, { jobId: 'job-2' }).resolves({ job: { jobId: 'job-2', status: 'IN_PROGRESS' } });
      iot.on(ListJobExecutionsForJobCommand, { jobId: 'job-2' })
        .resolvesOnce(summariesOf({ 'core-a': 'QUEUED', 'core-b': 'IN_PROGRESS' }))
        .resolvesOnce(summariesOf({ 'core-a': 'SUCCEEDED', 'core-b': 'IN_PROGRESS' }))
        .resolves(summariesOf({ 'core-a': 'SUCCEEDED', 'core-b': 'SUCCEEDED' }));
      for (const thingName of THINGS) {
        iot.on(DescribeJobExecutionCommand, { jobId: 'job-2', thingName }).resolves({
          execution: { status: 'SUCCEEDED', statusDetails: { detailsMap: { 'detailed-deployment-status': 'SUCCESSFUL' } } },
        });
      }
      target = await createAwsTarget(CONFIG, { sleep });
      const outcomes = await target.deployConfiguration({ keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' });
      expect(outcomes).toEqual([
        { thingName: 'core-a', status: 'SUCCEEDED', message: 'SUCCESSFUL' },
        { thingName: 'core-b', status: 'SUCCEEDED', message: 'SUCCESSFUL' },
      ]);
      expect(iot.commandCalls(ListJobExecutionsForJobCommand)).toHaveLength(3);
      expect(sleeps).toEqual([5_000, 5_000]);
    });

    it("reports a refused configuration as FAILED with the component's own message", async () => {
      answerDeployments();
      const cause = (message: string): Record<string, string> => ({
        'detailed-deployment-status': 'FAILED_NO_STATE_CHANGE',
        'deployment-failure-cause': `Components reported that their to-be-deployed configuration is invalid { name = ${COMPONENT_NAME}, message = ${message} }`,
        'deployment-error-types': '["COMPONENT_ERROR"]',
      });
      answerJob({
        'core-a': { status: 'FAILED', detailsMap: cause('Invalid key algorithm: RSA-1024') },
        'core-b': { status: 'FAILED', detailsMap: { 'detailed-deployment-status': 'FAILED_NO_STATE_CHANGE', 'deployment-failure-cause': 'Disk full' } },
      });
      target = await createAwsTarget(CONFIG, { sleep });
      const outcomes = await target.deployConfiguration({ keyAlgorithm: 'RSA-1024', signingAlgorithm: 'SHA256WITHRSA' });
      expect(outcomes).toEqual([
        { thingName: 'core-a', status: 'FAILED', message: 'Invalid key algorithm: RSA-1024' },
        { thingName: 'core-b', status: 'FAILED', message: 'Disk full' },
      ]);
      expect(outcomes[0]?.message.startsWith('Invalid key algorithm')).toBe(true);
    });

    it('treats a timed-out or missing execution as FAILED', async () => {
      answerDeployments();
      iot.on(DescribeJobCommand, { jobId: 'job-2' }).resolves({ job: { jobId: 'job-2', status: 'IN_PROGRESS' } });
      iot.on(ListJobExecutionsForJobCommand, { jobId: 'job-2' }).resolves(summariesOf({ 'core-a': 'TIMED_OUT', 'core-x': 'SUCCEEDED' }));
      iot.on(DescribeJobExecutionCommand, { jobId: 'job-2', thingName: 'core-a' }).resolves({ execution: { status: 'TIMED_OUT' } });
      iot.on(DescribeJobExecutionCommand, { jobId: 'job-2', thingName: 'core-b' }).rejects(awsError('ResourceNotFoundException', 404));
      target = await createAwsTarget(CONFIG, { sleep });
      expect(await target.deployConfiguration({})).toEqual([
        { thingName: 'core-a', status: 'FAILED', message: 'TIMED_OUT' },
        { thingName: 'core-b', status: 'FAILED', message: 'no execution of deployment job job-2' },
      ]);
    });

    it('asks again while GetDeployment does not know the new deployment yet', async () => {
      answerDeployments((b) =>
        b
          .rejectsOnce(awsError('ResourceNotFoundException', 404))
          .rejectsOnce(awsError('ResourceNotFoundException', 404))
          .resolvesOnce({ ...LATEST, deploymentId: 'deployment-2' })
          .resolves({ ...LATEST, deploymentId: 'deployment-2', iotJobId: 'job-2' }),
      );
      answerJob({ 'core-a': { status: 'SUCCEEDED' }, 'core-b': { status: 'SUCCEEDED' } });
      target = await createAwsTarget(CONFIG, { sleep });
      const outcomes = await target.deployConfiguration({ keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' });
      expect(outcomes.map((o) => o.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      const asked = greengrass.commandCalls(GetDeploymentCommand).map((c) => c.args[0].input.deploymentId);
      // Twice not found, once without its IoT job yet, then with it.
      expect(asked).toEqual(['deployment-1', 'deployment-2', 'deployment-2', 'deployment-2', 'deployment-2']);
      expect(sleeps.slice(0, 3)).toEqual([1_000, 1_000, 1_000]);
    });

    it('gives up on a deployment that stays unknown', async () => {
      answerDeployments((b) => b.rejects(awsError('ResourceNotFoundException', 404)));
      target = await createAwsTarget(CONFIG, { sleep });
      await expect(target.deployConfiguration({})).rejects.toThrow(/ResourceNotFoundException/);
      expect(greengrass.commandCalls(GetDeploymentCommand).filter((c) => c.args[0].input.deploymentId === 'deployment-2')).toHaveLength(10);
    });

    it('passes errors other than not-found on at once', async () => {
      answerDeployments((b) => b.rejects(awsError('AccessDeniedException', 403)));
      target = await createAwsTarget(CONFIG, { sleep });
      await expect(target.deployConfiguration({})).rejects.toThrow(/AccessDeniedException/);
      expect(greengrass.commandCalls(GetDeploymentCommand).filter((c) => c.args[0].input.deploymentId === 'deployment-2')).toHaveLength(1);
    });

    it('refuses a group without a deployment of the component', async () => {
      greengrass.on(ListDeploymentsCommand).resolvesOnce({ deployments: [] }).resolves({ deployments: [{ deploymentId: 'deployment-1' }] });
      greengrass.on(GetDeploymentCommand).resolves({ ...LATEST, components: { 'aws.greengrass.Nucleus': {} } });
      target = await createAwsTarget(CONFIG, { sleep });
      await expect(target.deployConfiguration({})).rejects.toThrow(`no Greengrass deployment targets ${GROUP_ARN}`);
      await expect(target.deployConfiguration({})).rejects.toThrow(`does not include ${COMPONENT_NAME}`);
      expect(greengrass.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
    });
  });

  describe('useIssuer', () => {
    const BASE_ENV = { JOB_DOCUMENT: '{"operation":"ROTATE_CERTIFICATE"}', PCA_CA_ARN: '', PCA_SIGNING_ALGORITHM: 'SHA256WITHRSA', PCA_VALIDITY_IN_DAYS: '7' };

    it('points the create function at the Private CA, keeping its other variables, and waits for the update', async () => {
      lambda
        .on(GetFunctionConfigurationCommand, { FunctionName: CREATE_FUNCTION_NAME })
        .resolvesOnce({ LastUpdateStatus: 'Successful', Environment: { Variables: BASE_ENV } })
        .resolvesOnce({ LastUpdateStatus: 'InProgress' })
        .resolvesOnce({ LastUpdateStatus: 'InProgress' })
        .resolves({ LastUpdateStatus: 'Successful' });
      lambda.on(UpdateFunctionConfigurationCommand).resolves({ LastUpdateStatus: 'InProgress' });
      target = await createAwsTarget(CONFIG, { sleep });
      await target.useIssuer({ kind: 'pca', signingAlgorithm: 'SHA384WITHECDSA' });
      expect(lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([
        { FunctionName: CREATE_FUNCTION_NAME, Environment: { Variables: { ...BASE_ENV, PCA_CA_ARN: CA_ARN, PCA_SIGNING_ALGORITHM: 'SHA384WITHECDSA' } } },
      ]);
      expect(lambda.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(4);
      expect(sleeps).toHaveLength(2);
    });

    it('waits for an earlier update before changing the function, and clears the CA for AWS IoT Core', async () => {
      lambda
        .on(GetFunctionConfigurationCommand)
        .resolvesOnce({ LastUpdateStatus: 'InProgress', Environment: { Variables: { ...BASE_ENV, PCA_CA_ARN: 'stale' } } })
        .resolvesOnce({ LastUpdateStatus: 'Successful', Environment: { Variables: { ...BASE_ENV, PCA_CA_ARN: CA_ARN } } })
        .resolves({ LastUpdateStatus: 'Successful' });
      lambda.on(UpdateFunctionConfigurationCommand).resolves({});
      target = await createAwsTarget(CONFIG, { sleep });
      await target.useIssuer({ kind: 'iot' });
      expect(lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input.Environment?.Variables)).toEqual([{ ...BASE_ENV, PCA_CA_ARN: '' }]);
    });

    it('fails when the function update fails', async () => {
      lambda
        .on(GetFunctionConfigurationCommand)
        .resolvesOnce({ LastUpdateStatus: 'Successful', Environment: { Variables: BASE_ENV } })
        .resolves({ LastUpdateStatus: 'Failed', LastUpdateStatusReason: 'KMS key disabled' });
      lambda.on(UpdateFunctionConfigurationCommand).resolves({});
      target = await createAwsTarget(CONFIG, { sleep });
      await expect(target.useIssuer({ kind: 'iot' })).rejects.toThrow(/configuration update failed: KMS key disabled/);
    });

    it('refuses the Private CA when PCA_CA_ID is not set', async () => {
      target = await createAwsTarget({ ...CONFIG, pcaCaId: undefined }, { sleep });
      await expect(target.useIssuer({ kind: 'pca', signingAlgorithm: 'SHA256WITHRSA' })).rejects.toThrow(/PCA_CA_ID is not set/);
      expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    });
  });

  describe('pcaSigningAlgorithms', () => {
    it.each([
      ['RSA_2048', ['SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA']],
      ['RSA_4096', ['SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA']],
      ['EC_prime256v1', ['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA']],
      ['EC_secp384r1', ['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA']],
      ['SM2', []],
    ])('a CA with a %s key signs with %j', async (keyAlgorithm, expected) => {
      pca.on(DescribeCertificateAuthorityCommand, { CertificateAuthorityArn: CA_ARN }).resolves({
        CertificateAuthority: { CertificateAuthorityConfiguration: { KeyAlgorithm: keyAlgorithm, SigningAlgorithm: 'SHA256WITHRSA' } },
      });
      target = await createAwsTarget(CONFIG, { sleep });
      expect([...(await target.pcaSigningAlgorithms())].sort()).toEqual([...expected].sort());
    });

    it('builds the CA ARN in the caller\'s partition', async () => {
      sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/ci/session` });
      pca.on(DescribeCertificateAuthorityCommand).resolves({ CertificateAuthority: { CertificateAuthorityConfiguration: { KeyAlgorithm: 'RSA_2048' } } });
      target = await createAwsTarget({ ...CONFIG, region: 'cn-north-1' }, { sleep });
      await target.pcaSigningAlgorithms();
      expect(pca.commandCalls(DescribeCertificateAuthorityCommand)[0]?.args[0].input.CertificateAuthorityArn).toBe(
        `arn:aws-cn:acm-pca:cn-north-1:${ACCOUNT}:certificate-authority/${CA_ID}`,
      );
    });

    it('is empty without PCA_CA_ID, and asks neither STS nor Private CA', async () => {
      target = await createAwsTarget({ ...CONFIG, pcaCaId: undefined }, { sleep });
      expect(await target.pcaSigningAlgorithms()).toEqual([]);
      expect(pca.commandCalls(DescribeCertificateAuthorityCommand)).toHaveLength(0);
      expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
    });
  });
});
