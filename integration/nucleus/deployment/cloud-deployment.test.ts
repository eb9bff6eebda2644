/**
 * Greengrass deployments from the AWS stand-in's control plane to nucleus stand-ins: published
 * with the real S3 and Greengrass SDK clients, delivered as the deployment job over mutual-TLS
 * MQTT, downloaded and checked by the device, reported per core.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateDeploymentCommand, GetCoreDeviceCommand, GreengrassV2Client, ListEffectiveDeploymentsCommand } from '@aws-sdk/client-greengrassv2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsStandIn, type AwsStandIn } from '../../aws/stand-in.js';
import { standInClientConfig } from '../../local/deploy-backend.js';
import { publishComponentVersion } from '../../local/publish-component.js';
import { startNucleus, type Nucleus } from '../nucleus.js';
import { eventually } from '../testing/ipc-fixture.js';
import { recordingLogger } from '../testing/recording-logger.js';
import { writeTestBuild } from '../testing/test-component.js';

const NAME = 'com.example.Probe';
const GROUP = 'ProbeFleet';

describe('Greengrass deployments reaching nucleus stand-ins', () => {
  let dir: string;
  let aws: AwsStandIn;
  let greengrass: GreengrassV2Client;
  let s3: S3Client;
  let groupArn: string;
  const nuclei: Nucleus[] = [];

  const publish = async (version: string, lifecycle: Record<string, string>) => {
    const build = await writeTestBuild(path.join(dir, `build-${version}`), { name: NAME, files: { 'hello.txt': `hello ${version}` }, lifecycle, defaultConfiguration: { greeting: 'hi' } });
    return publishComponentVersion({ s3, greengrass }, { ...build, version, bucketPrefix: 'probe-artifacts', region: aws.model.region, accountId: aws.model.accountId });
  };

  const deploy = async (version: string, merge?: Record<string, unknown>) => {
    const created = await greengrass.send(
      new CreateDeploymentCommand({ targetArn: groupArn, deploymentName: 'Probe', components: { [NAME]: { componentVersion: version, ...(merge ? { configurationUpdate: { merge: JSON.stringify(merge) } } : {}) } } }),
    );
    const jobId = created.iotJobId!;
    await eventually(() => aws.model.jobs.listJobExecutionsForJob(jobId).every((e) => e.status === 'SUCCEEDED' || e.status === 'FAILED') && aws.model.jobs.listJobExecutionsForJob(jobId).length === 2, `deployment ${version} to end`, 60_000);
    return { jobId, executions: aws.model.jobs.listJobExecutionsForJob(jobId) };
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cloud-deploy-'));
    aws = await startAwsStandIn({ logger: recordingLogger() });
    const config = standInClientConfig(aws);
    greengrass = new GreengrassV2Client(config);
    s3 = new S3Client({ ...config, forcePathStyle: true });
    for (const thingName of ['probe-1', 'probe-2']) {
      const device = await aws.model.registry.provisionDevice({ thingName, keySpec: { kind: 'EC', curve: 'P-256' }, policyName: 'GreengrassCorePolicy', thingGroupName: GROUP });
      nuclei.push(
        await startNucleus({
          root: path.join(dir, thingName),
          thingName,
          broker: { host: aws.mqtt.host, port: aws.mqtt.port, caPem: aws.mqtt.caCertificatePem },
          cloud: { endpoint: aws.http!.endpoint, region: aws.model.region },
          credentials: { certificatePem: device.certificatePem, privateKeyPem: device.privateKeyPem },
          logger: recordingLogger(),
        }),
      );
    }
    groupArn = aws.model.registry.things.describeThingGroup(GROUP).thingGroupArn;
  });

  afterAll(async () => {
    for (const nucleus of nuclei) await nucleus.stop();
    greengrass?.destroy();
    s3?.destroy();
    await aws?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('installs and runs the published version on every core of the group, which report it', async () => {
    await publish('1.0.0', { Run: 'echo "{configuration:/greeting} $(cat {artifacts:decompressedPath}/probe/hello.txt)" > {work:path}/out.txt; sleep 600' });
    const { executions } = await deploy('1.0.0', { greeting: 'hello from the cloud' });
    expect(executions.map((e) => [e.status, e.statusDetails['detailed-deployment-status']])).toEqual([
      ['SUCCEEDED', 'SUCCESSFUL'],
      ['SUCCEEDED', 'SUCCESSFUL'],
    ]);
    for (const nucleus of nuclei) {
      expect(nucleus.componentState).toBe('RUNNING');
      await eventually(async () => (await readFile(path.join(nucleus.layout.workPath, 'out.txt'), 'utf8').catch(() => '')).includes('hello 1.0.0'), 'the Run script');
      expect(await readFile(path.join(nucleus.layout.workPath, 'out.txt'), 'utf8')).toBe('hello from the cloud hello 1.0.0\n');
    }
    const core = await greengrass.send(new GetCoreDeviceCommand({ coreDeviceThingName: 'probe-1' }));
    expect(core).toMatchObject({ status: 'HEALTHY', coreVersion: '2.14.0', platform: 'linux' });
  });

  it('moves the cores to a new version, keeping the configuration', async () => {
    await publish('1.0.1', { Run: 'echo "{configuration:/greeting} $(cat {artifacts:decompressedPath}/probe/hello.txt)" > {work:path}/out.txt; sleep 600' });
    const { executions } = await deploy('1.0.1');
    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    for (const nucleus of nuclei) {
      expect(nucleus.component?.version).toBe('1.0.1');
      await eventually(async () => (await readFile(path.join(nucleus.layout.workPath, 'out.txt'), 'utf8').catch(() => '')) === 'hello from the cloud hello 1.0.1\n', 'the new Run script');
    }
  });

  it('fails on every core when the artifact changed after publishing, and keeps the running version', async () => {
    const published = await publish('1.0.2', { Run: 'sleep 600' });
    await s3.send(new PutObjectCommand({ Bucket: `probe-artifacts-${aws.model.region}-${aws.model.accountId}`, Key: `${NAME}/1.0.2/probe.zip`, Body: Buffer.from('tampered') }));
    const { jobId, executions } = await deploy(published.componentVersion);
    for (const e of executions) {
      expect(e.status).toBe('FAILED');
      expect(e.statusDetails['deployment-failure-cause']).toContain('Integrity check for downloaded artifact failed');
      expect(e.statusDetails['detailed-deployment-status']).toBe('FAILED_NO_STATE_CHANGE');
    }
    for (const nucleus of nuclei) expect([nucleus.component?.version, nucleus.componentState]).toEqual(['1.0.1', 'RUNNING']);
    const effective = await greengrass.send(new ListEffectiveDeploymentsCommand({ coreDeviceThingName: 'probe-2' }));
    expect(effective.effectiveDeployments?.[0]).toMatchObject({ iotJobId: jobId, coreDeviceExecutionStatus: 'FAILED', reason: expect.stringContaining('Integrity check') });
    expect(effective.effectiveDeployments?.slice(1).map((d) => d.coreDeviceExecutionStatus)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });

  it('fails when the new version breaks, and the core reports itself unhealthy', async () => {
    await publish('1.0.3', { Install: 'exit 3', Run: 'sleep 600' });
    const { executions } = await deploy('1.0.3');
    for (const e of executions) {
      expect(e.status).toBe('FAILED');
      expect(e.statusDetails['deployment-failure-cause']).toBe(`Service ${NAME} in broken state after deployment`);
    }
    await eventually(async () => (await greengrass.send(new GetCoreDeviceCommand({ coreDeviceThingName: 'probe-1' }))).status === 'UNHEALTHY', 'the core to report UNHEALTHY');
  });
});
