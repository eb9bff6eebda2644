/**
 * Greengrass deployments from the AWS stand-in's control plane to nucleus stand-ins: published
 * with the real S3 and Greengrass SDK clients, delivered as the deployment job over mutual-TLS
 * MQTT, downloaded and checked by the device, reported per core.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateDeploymentCommand, GetCoreDeviceCommand, ListEffectiveDeploymentsCommand } from '@aws-sdk/client-greengrassv2';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE as NAME, startCloudCores, type CloudCores } from '../../../test/support/nucleus/cloud-cores.js';

describe('Greengrass deployments reaching nucleus stand-ins', () => {
  let fx: CloudCores;

  const deploy = async (version: string, merge?: Record<string, unknown>) => {
    const created = await fx.greengrass.send(
      new CreateDeploymentCommand({
        targetArn: fx.groupArn,
        deploymentName: 'Probe',
        components: { [NAME]: { componentVersion: version, ...(merge ? { configurationUpdate: { merge: JSON.stringify(merge) } } : {}) } },
      }),
    );
    const jobId = created.iotJobId!;
    const executions = () => fx.aws.model.jobs.listJobExecutionsForJob(jobId);
    await expect
      .poll(() => executions().length === 2 && executions().every((e) => e.status === 'SUCCEEDED' || e.status === 'FAILED'), {
        message: `deployment ${version} to end`,
        timeout: 60_000,
      })
      .toBe(true);
    return { jobId, executions: executions() };
  };

  beforeAll(async () => {
    fx = await startCloudCores('ProbeFleet', ['probe-1', 'probe-2']);
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('installs and runs the published version on every core of the group, which report it', async () => {
    await fx.publish('1.0.0', {
      Run: 'echo "{configuration:/greeting} $(cat {artifacts:decompressedPath}/probe/hello.txt)" > {work:path}/out.txt; sleep 600',
    });
    const { executions } = await deploy('1.0.0', { greeting: 'hello from the cloud' });
    expect(executions.map((e) => [e.status, e.statusDetails['detailed-deployment-status']])).toEqual([
      ['SUCCEEDED', 'SUCCESSFUL'],
      ['SUCCEEDED', 'SUCCESSFUL'],
    ]);
    for (const nucleus of fx.nuclei) {
      expect(nucleus.componentState).toBe('RUNNING');
      await expect
        .poll(async () => (await readFile(path.join(nucleus.layout.workPath, 'out.txt'), 'utf8').catch(() => '')).includes('hello 1.0.0'), {
          message: 'the Run script',
        })
        .toBe(true);
      expect(await readFile(path.join(nucleus.layout.workPath, 'out.txt'), 'utf8')).toBe('hello from the cloud hello 1.0.0\n');
    }
    const core = await fx.greengrass.send(new GetCoreDeviceCommand({ coreDeviceThingName: 'probe-1' }));
    expect(core).toMatchObject({ status: 'HEALTHY', coreVersion: '2.14.0', platform: 'linux' });
  });

  it('moves the cores to a new version, keeping the configuration', async () => {
    await fx.publish('1.0.1', {
      Run: 'echo "{configuration:/greeting} $(cat {artifacts:decompressedPath}/probe/hello.txt)" > {work:path}/out.txt; sleep 600',
    });
    const { executions } = await deploy('1.0.1');
    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    for (const nucleus of fx.nuclei) {
      expect(nucleus.component?.version).toBe('1.0.1');
      await expect
        .poll(
          async () =>
            (await readFile(path.join(nucleus.layout.workPath, 'out.txt'), 'utf8').catch(() => '')) ===
            'hello from the cloud hello 1.0.1\n',
          { message: 'the new Run script' },
        )
        .toBe(true);
    }
  });

  it('fails on every core when the artifact changed after publishing, and keeps the running version', async () => {
    const published = await fx.publish('1.0.2', { Run: 'sleep 600' });
    await fx.s3.send(
      new PutObjectCommand({
        Bucket: `probe-artifacts-${fx.aws.model.region}-${fx.aws.model.accountId}`,
        Key: `${NAME}/1.0.2/probe.zip`,
        Body: Buffer.from('tampered'),
      }),
    );
    const { jobId, executions } = await deploy(published.componentVersion);
    for (const e of executions) {
      expect(e.status).toBe('FAILED');
      expect(e.statusDetails['deployment-failure-cause']).toContain('Integrity check for downloaded artifact failed');
      expect(e.statusDetails['detailed-deployment-status']).toBe('FAILED_NO_STATE_CHANGE');
    }
    for (const nucleus of fx.nuclei) expect([nucleus.component?.version, nucleus.componentState]).toEqual(['1.0.1', 'RUNNING']);
    const effective = await fx.greengrass.send(new ListEffectiveDeploymentsCommand({ coreDeviceThingName: 'probe-2' }));
    expect(effective.effectiveDeployments?.[0]).toMatchObject({
      iotJobId: jobId,
      coreDeviceExecutionStatus: 'FAILED',
      reason: expect.stringContaining('Integrity check'),
    });
    expect(effective.effectiveDeployments?.slice(1).map((d) => d.coreDeviceExecutionStatus)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });

  it('fails when the new version breaks, and the core reports itself unhealthy', async () => {
    await fx.publish('1.0.3', { Install: 'exit 3', Run: 'sleep 600' });
    const { executions } = await deploy('1.0.3');
    for (const e of executions) {
      expect(e.status).toBe('FAILED');
      expect(e.statusDetails['deployment-failure-cause']).toBe(`Service ${NAME} in broken state after deployment`);
    }
    await expect
      .poll(async () => (await fx.greengrass.send(new GetCoreDeviceCommand({ coreDeviceThingName: 'probe-1' }))).status === 'UNHEALTHY', {
        message: 'the core to report UNHEALTHY',
      })
      .toBe(true);
  });
});
