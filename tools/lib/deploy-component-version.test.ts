import {
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GreengrassV2Client,
  ListDeploymentsCommand,
  ResourceNotFoundException as GreengrassNotFound,
} from '@aws-sdk/client-greengrassv2';
import {
  DescribeJobCommand,
  DescribeJobExecutionCommand,
  DescribeThingGroupCommand,
  IoTClient,
  ListJobExecutionsForJobCommand,
  ResourceNotFoundException as IotNotFound,
} from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployMain } from './deploy-component-version.js';

const GROUP = 'TestCores';
const GROUP_ARN = `arn:aws:iot:eu-west-1:123456789012:thinggroup/${GROUP}`;
const COMPONENT = 'aws.greengrass.labs.CertificateRotator';
const OTHER = { 'aws.greengrass.Nucleus': { componentVersion: '2.14.0', configurationUpdate: { merge: '{"jvmOptions":"-Xmx64m"}' } } };
const POLICIES = {
  failureHandlingPolicy: 'DO_NOTHING' as const,
  componentUpdatePolicy: { timeoutInSeconds: 120, action: 'NOTIFY_COMPONENTS' as const },
};

/**
 * The slice of aws-sdk-client-mock's stub these tests use. (The mock library compiles against an
 * older @smithy/types than the clients, so its generics reject today's command classes although
 * they work at run time.)
 */
interface Stub {
  on<I extends object>(command: new (input: I) => unknown, input?: Partial<I>): Behaviour;
  commandCalls<I extends object>(command: new (input: I) => unknown): { args: [{ input: I }] }[];
  reset(): void;
}
interface Behaviour {
  resolves(output: unknown): Behaviour;
  resolvesOnce(output: unknown): Behaviour;
  rejects(error: unknown): Behaviour;
  rejectsOnce(error: unknown): Behaviour;
}
const stubOf = (client: unknown): Stub => mockClient(client as never) as unknown as Stub;

const greengrass = stubOf(GreengrassV2Client);
const iot = stubOf(IoTClient);

/** A fake clock that sleeping advances, so the waits and the timeout take no real time. */
function fakeTime() {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

async function deploy(argv: string[] = ['1.0.42', GROUP, '--region', 'eu-west-1']) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await deployMain(
    argv,
    { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) > 0 } },
    fakeTime(),
  );
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const executions = (...statuses: string[]) => ({
  executionSummaries: statuses.map((status, i) => ({
    thingArn: `arn:aws:iot:eu-west-1:123456789012:thing/core-${i + 1}`,
    jobExecutionSummary: { status },
  })),
});

function latest(deployment: Record<string, unknown>): void {
  greengrass
    .on(ListDeploymentsCommand, { targetArn: GROUP_ARN, historyFilter: 'LATEST_ONLY' })
    .resolves({ deployments: [{ deploymentId: 'old', targetArn: GROUP_ARN }] });
  greengrass.on(GetDeploymentCommand, { deploymentId: 'old' }).resolves({ deploymentId: 'old', targetArn: GROUP_ARN, ...deployment });
}

function jobEnds(...statuses: string[]): void {
  greengrass
    .on(GetDeploymentCommand, { deploymentId: 'new' })
    .resolves({ deploymentId: 'new', iotJobId: 'job-new', deploymentStatus: 'ACTIVE' });
  iot.on(DescribeJobCommand, { jobId: 'job-new' }).resolves({ job: { jobId: 'job-new', status: 'IN_PROGRESS' } });
  iot.on(ListJobExecutionsForJobCommand, { jobId: 'job-new' }).resolves(executions(...statuses));
}

const created = () => greengrass.commandCalls(CreateDeploymentCommand).map((c) => c.args[0].input);

beforeEach(() => {
  iot.on(DescribeThingGroupCommand, { thingGroupName: GROUP }).resolves({ thingGroupName: GROUP, thingGroupArn: GROUP_ARN });
  greengrass.on(CreateDeploymentCommand).resolves({ deploymentId: 'new' });
});
afterEach(() => {
  greengrass.reset();
  iot.reset();
});

describe('deploy-component-version', () => {
  it('adds the component to the latest deployment, keeping the rest, and succeeds when every core does', async () => {
    latest({ deploymentName: 'Fleet baseline', components: OTHER, deploymentPolicies: POLICIES });
    jobEnds('SUCCEEDED', 'SUCCEEDED');
    const run = await deploy();
    expect(created()).toEqual([
      {
        targetArn: GROUP_ARN,
        deploymentName: 'Fleet baseline',
        components: { ...OTHER, [COMPONENT]: { componentVersion: '1.0.42' } },
        deploymentPolicies: POLICIES,
      },
    ]);
    expect(run.stderr).toContain(`Adding ${COMPONENT} 1.0.42`);
    expect(run.stdout).toMatch(/^Deployment new of aws\.greengrass\.labs\.CertificateRotator 1\.0\.42 succeeded on 2 core device\(s\)/);
    expect(run.code).toBe(0);
  });

  it('updates the component version, keeps its configuration and names an unnamed deployment', async () => {
    const configured = {
      componentVersion: '1.0.7',
      configurationUpdate: { merge: '{"keyAlgorithm":"ECDSA-P256","signingAlgorithm":"ECDSA-WITH-SHA256"}' },
    };
    latest({ components: { ...OTHER, [COMPONENT]: configured } });
    jobEnds('SUCCEEDED');
    const run = await deploy(['1.0.42', GROUP, '--region', 'eu-west-1', '--component', COMPONENT]);
    expect(created()).toEqual([
      {
        targetArn: GROUP_ARN,
        deploymentName: `Deployment for ${GROUP}`,
        components: { ...OTHER, [COMPONENT]: { ...configured, componentVersion: '1.0.42' } },
      },
    ]);
    expect(run.stderr).toContain(`Updating ${COMPONENT} from 1.0.7 to 1.0.42`);
    expect(run.code).toBe(0);
  });

  it('fails clearly when the thing group has no deployment, and deploys nothing', async () => {
    greengrass.on(ListDeploymentsCommand).resolves({ deployments: [] });
    const run = await deploy();
    expect(run.stderr).toContain(`No deployment targets thing group ${GROUP}`);
    expect(created()).toEqual([]);
    expect(run.code).toBe(1);
  });

  it('fails clearly when the thing group does not exist', async () => {
    iot.on(DescribeThingGroupCommand).rejects(new IotNotFound({ message: 'Thing group not found', $metadata: {} }));
    const run = await deploy(['1.0.42', 'Missing', '--region', 'eu-west-1']);
    expect(run.stderr).toContain('Thing group Missing not found');
    expect(run.code).toBe(1);
  });

  it('retries GetDeployment while the new deployment is not yet visible', async () => {
    latest({ deploymentName: 'Fleet baseline', components: OTHER });
    jobEnds('SUCCEEDED');
    const notYet = new GreengrassNotFound({
      message: 'Deployment not found',
      resourceId: 'new',
      resourceType: 'deployment',
      $metadata: {},
    });
    greengrass
      .on(GetDeploymentCommand, { deploymentId: 'new' })
      .rejectsOnce(notYet)
      .rejectsOnce(notYet)
      .resolvesOnce({ deploymentId: 'new', deploymentStatus: 'ACTIVE' })
      .resolves({ deploymentId: 'new', iotJobId: 'job-new', deploymentStatus: 'ACTIVE' });
    const run = await deploy();
    expect(run.code).toBe(0);
    const lookups = greengrass.commandCalls(GetDeploymentCommand).filter((c) => c.args[0].input.deploymentId === 'new');
    expect(lookups).toHaveLength(4);
  });

  it('fails when a core device fails the deployment, naming it and the cause', async () => {
    latest({ deploymentName: 'Fleet baseline', components: OTHER });
    jobEnds('SUCCEEDED', 'FAILED');
    iot.on(DescribeJobExecutionCommand, { jobId: 'job-new', thingName: 'core-2' }).resolves({
      execution: {
        status: 'FAILED',
        statusDetails: { detailsMap: { 'deployment-failure-cause': 'Component validation failed: Invalid key algorithm' } },
      },
    });
    const run = await deploy();
    expect(run.stderr).toContain('core-2 FAILED: deployment-failure-cause: Component validation failed: Invalid key algorithm');
    expect(run.stderr).toContain('Deployment new failed on 1 of 2 core device(s)');
    expect(run.stdout).toBe('');
    expect(run.code).toBe(1);
  });

  it('gives up after --timeout while executions are still in progress', async () => {
    latest({ deploymentName: 'Fleet baseline', components: OTHER });
    jobEnds('SUCCEEDED', 'IN_PROGRESS');
    const run = await deploy(['1.0.42', GROUP, '--region', 'eu-west-1', '--timeout', '60']);
    expect(run.stderr).toContain('Deployment new did not finish within 60 s (job job-new)');
    expect(run.code).toBe(1);
    // Polled every 10 s for 60 s of fake time: it stopped at the deadline, not before or long after.
    expect(iot.commandCalls(ListJobExecutionsForJobCommand).length).toBe(7);
  });

  it('gives up when the deployment never gets a job', async () => {
    latest({ deploymentName: 'Fleet baseline', components: OTHER });
    greengrass.on(GetDeploymentCommand, { deploymentId: 'new' }).resolves({ deploymentId: 'new', deploymentStatus: 'ACTIVE' });
    const run = await deploy(['1.0.42', GROUP, '--region', 'eu-west-1', '--timeout', '30']);
    expect(run.stderr).toContain('Deployment new did not start within 30 s');
    expect(run.code).toBe(1);
  });
});
