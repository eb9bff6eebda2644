import { CreateDeploymentCommand, GetDeploymentCommand, ListDeploymentsCommand } from '@aws-sdk/client-greengrassv2';
import { DescribeJobCommand, DescribeJobExecutionCommand, ListJobExecutionsForJobCommand } from '@aws-sdk/client-iot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPONENT_NAME } from '../../shared/contract/index.js';
import { componentValidationMessage } from './validation-failure.js';
import { ACCOUNT, awsError, CONFIG, GROUP_ARN, REGION, stubAccount, THINGS, type Behaviour } from './aws-sdk-stubs.js';
import { createAwsTarget } from './aws-target.js';
import type { RotationTarget } from './target.js';

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

// Through the target, so the thing group's ARN, its things and the poll interval are the target's own.
describe('deployConfiguration', () => {
  const { iot, greengrass, sleeps, sleep, reset } = stubAccount();
  let target: RotationTarget | undefined;

  beforeEach(() => reset());
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

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
  function answerDeployments(
    created = (b: Behaviour): unknown => b.resolves({ ...LATEST, deploymentId: 'deployment-2', iotJobId: 'job-2' }),
  ): void {
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
    iot
      .on(ListJobExecutionsForJobCommand, { jobId: 'job-2' })
      .resolves(summariesOf(Object.fromEntries(Object.entries(executions).map(([t, e]) => [t, e.status]))));
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
    expect(greengrass.commandCalls(ListDeploymentsCommand)[0]?.args[0].input).toEqual({
      targetArn: GROUP_ARN,
      historyFilter: 'LATEST_ONLY',
      maxResults: 1,
    });
    const created = greengrass.commandCalls(CreateDeploymentCommand).map((c) => c.args[0].input);
    expect(created).toEqual([
      {
        targetArn: GROUP_ARN,
        deploymentName: 'Rotator test fleet',
        components: {
          [COMPONENT_NAME]: {
            componentVersion: '1.2.3',
            configurationUpdate: { merge: '{"keyAlgorithm":"ECDSA-P256","signingAlgorithm":"ECDSA-WITH-SHA256"}' },
          },
          'aws.greengrass.Nucleus': LATEST.components['aws.greengrass.Nucleus'],
        },
        deploymentPolicies: LATEST.deploymentPolicies,
      },
    ]);
  });

  it('reports each core SUCCEEDED once the deployment job has ended', async () => {
    answerDeployments();
    iot.on(DescribeJobCommand, { jobId: 'job-2' }).resolves({ job: { jobId: 'job-2', status: 'IN_PROGRESS' } });
    iot
      .on(ListJobExecutionsForJobCommand, { jobId: 'job-2' })
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
      'core-b': {
        status: 'FAILED',
        detailsMap: { 'detailed-deployment-status': 'FAILED_NO_STATE_CHANGE', 'deployment-failure-cause': 'Disk full' },
      },
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
    greengrass
      .on(ListDeploymentsCommand)
      .resolvesOnce({ deployments: [] })
      .resolves({ deployments: [{ deploymentId: 'deployment-1' }] });
    greengrass.on(GetDeploymentCommand).resolves({ ...LATEST, components: { 'aws.greengrass.Nucleus': {} } });
    target = await createAwsTarget(CONFIG, { sleep });
    await expect(target.deployConfiguration({})).rejects.toThrow(`no Greengrass deployment targets ${GROUP_ARN}`);
    await expect(target.deployConfiguration({})).rejects.toThrow(`does not include ${COMPONENT_NAME}`);
    expect(greengrass.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
  });
});
