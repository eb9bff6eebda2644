import { createHash } from 'node:crypto';
import {
  CancelDeploymentCommand,
  ConflictException,
  CreateComponentVersionCommand,
  CreateDeploymentCommand,
  DescribeComponentCommand,
  GetComponentCommand,
  GetCoreDeviceCommand,
  GetDeploymentCommand,
  GreengrassV2Client,
  ListComponentVersionsCommand,
  ListCoreDevicesCommand,
  ListDeploymentsCommand,
  ListEffectiveDeploymentsCommand,
  ResolveComponentCandidatesCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-greengrassv2';
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalAuthorities } from '../model/ca/local-authorities.js';
import { ManualClock } from '../model/clock.js';
import { type ApiFixture, startApiFixture } from '../../test/support/aws/http.js';

const GROUP_ARN = 'arn:aws:iot:us-east-1:123456789012:thinggroup/fleet';
const ARTIFACT = Buffer.from('the artifact bytes');

function recipe(version: string, uri = 's3://artifacts-bucket/com.example.Probe/probe.zip'): Uint8Array {
  return Buffer.from(
    JSON.stringify({
      RecipeFormatVersion: '2020-01-25',
      ComponentName: 'com.example.Probe',
      ComponentVersion: version,
      Manifests: [{ Platform: { os: 'linux' }, Lifecycle: { Run: 'true' }, Artifacts: [{ Uri: uri, Unarchive: 'ZIP' }] }],
    }),
  );
}

describe('Greengrass V2 control plane and S3 over HTTPS', () => {
  let fx: ApiFixture;
  let greengrass: GreengrassV2Client;
  let s3: S3Client;
  const clock = new ManualClock();

  beforeAll(async () => {
    // The HTTPS certificate is checked against the real time, so it is dated by the system clock.
    fx = await startApiFixture({ clock, authorities: await LocalAuthorities.create(() => Date.now()) });
    greengrass = new GreengrassV2Client(fx.clientConfig);
    s3 = new S3Client({ ...fx.clientConfig, forcePathStyle: true });
    fx.model.registry.things.createThingGroup('fleet');
    for (const thing of ['core-1', 'core-2']) {
      fx.model.registry.things.createThing(thing);
      fx.model.registry.things.addThingToThingGroup('fleet', thing);
    }
    await s3.send(new CreateBucketCommand({ Bucket: 'artifacts-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'artifacts-bucket', Key: 'com.example.Probe/probe.zip', Body: ARTIFACT }));
  });
  afterAll(async () => {
    greengrass.destroy();
    s3.destroy();
    await fx.close();
  });
  beforeEach(() => {
    fx.model.greengrass.deployments.readAfterWriteDelayMs = 0;
  });

  it('serves the objects put into a bucket, and names a missing bucket', async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: 'artifacts-bucket', Key: 'com.example.Probe/probe.zip' }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(ARTIFACT);
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'artifacts-bucket', Key: 'missing' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });

  it('creates a component version, fills in the artifact digest and lists the versions newest first', async () => {
    const created = await greengrass.send(new CreateComponentVersionCommand({ inlineRecipe: recipe('1.0.0') }));
    expect(created).toMatchObject({
      componentName: 'com.example.Probe',
      componentVersion: '1.0.0',
      status: { componentState: 'REQUESTED' },
    });
    expect(created.arn).toBe('arn:aws:greengrass:us-east-1:123456789012:components:com.example.Probe:versions:1.0.0');
    await greengrass.send(new CreateComponentVersionCommand({ inlineRecipe: recipe('1.0.1') }));
    const described = await greengrass.send(new DescribeComponentCommand({ arn: created.arn }));
    expect(described.status?.componentState).toBe('DEPLOYABLE');
    const { recipe: stored } = await greengrass.send(new GetComponentCommand({ arn: created.arn }));
    const artifact = JSON.parse(Buffer.from(stored!).toString('utf8')).Manifests[0].Artifacts[0];
    expect(artifact).toMatchObject({ Digest: createHash('sha256').update(ARTIFACT).digest('base64'), Algorithm: 'SHA-256' });
    const versions = await greengrass.send(
      new ListComponentVersionsCommand({ arn: 'arn:aws:greengrass:us-east-1:123456789012:components:com.example.Probe' }),
    );
    expect(versions.componentVersions?.map((v) => v.componentVersion)).toEqual(['1.0.1', '1.0.0']);
    await expect(greengrass.send(new CreateComponentVersionCommand({ inlineRecipe: recipe('1.0.0') }))).rejects.toBeInstanceOf(
      ConflictException,
    );
  });

  it('leaves a version whose artifact is not in S3 FAILED, and refuses a recipe without a semantic version', async () => {
    const created = await greengrass.send(
      new CreateComponentVersionCommand({ inlineRecipe: recipe('2.0.0', 's3://artifacts-bucket/missing.zip') }),
    );
    const described = await greengrass.send(new DescribeComponentCommand({ arn: created.arn }));
    expect(described.status).toMatchObject({
      componentState: 'FAILED',
      errors: { 's3://artifacts-bucket/missing.zip': expect.stringContaining('could not be found') },
    });
    const bad = greengrass.send(new CreateComponentVersionCommand({ inlineRecipe: recipe('one') }));
    await expect(bad).rejects.toBeInstanceOf(ValidationException);
    await expect(bad).rejects.toThrow('ComponentVersion must be a semantic version');
  });

  it('resolves a deployable version for a device, recipe included', async () => {
    const resolved = await greengrass.send(
      new ResolveComponentCandidatesCommand({
        platform: { attributes: { os: 'linux', architecture: 'amd64' } },
        componentCandidates: [
          { componentName: 'com.example.Probe', componentVersion: '1.0.1', versionRequirements: { 'thinggroup/fleet': '1.0.1' } },
        ],
      }),
    );
    expect(resolved.resolvedComponentVersions?.[0]).toMatchObject({
      componentName: 'com.example.Probe',
      componentVersion: '1.0.1',
      vendorGuidance: 'ACTIVE',
    });
    const missing = greengrass.send(
      new ResolveComponentCandidatesCommand({
        componentCandidates: [{ componentName: 'com.example.Probe', componentVersion: '2.0.0', versionRequirements: {} }],
      }),
    );
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('deploys to a thing group through an IoT job in the deployment namespace; a new revision replaces the last', async () => {
    fx.model.greengrass.deployments.readAfterWriteDelayMs = 500;
    const first = await greengrass.send(
      new CreateDeploymentCommand({
        targetArn: GROUP_ARN,
        deploymentName: 'Fleet',
        components: { 'com.example.Probe': { componentVersion: '1.0.0', configurationUpdate: { merge: '{"keyAlgorithm":"ECDSA-P256"}' } } },
      }),
    );
    // Eventually consistent, as the service is: the new deployment is not readable at once.
    await expect(greengrass.send(new GetDeploymentCommand({ deploymentId: first.deploymentId }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    clock.advance(500);
    const got = await greengrass.send(new GetDeploymentCommand({ deploymentId: first.deploymentId }));
    expect(got).toMatchObject({
      deploymentName: 'Fleet',
      targetArn: GROUP_ARN,
      revisionId: '1',
      deploymentStatus: 'ACTIVE',
      isLatestForTarget: true,
      iotJobId: first.iotJobId,
    });
    const { job } = fx.model.jobs.describeJob(first.iotJobId!);
    expect(job).toMatchObject({ namespaceId: 'aws-gg-deployment', targetSelection: 'CONTINUOUS', status: 'IN_PROGRESS' });
    expect(JSON.parse(job.document)).toMatchObject({
      deploymentId: first.deploymentId,
      configurationArn: 'arn:aws:greengrass:us-east-1:123456789012:configuration:thinggroup/fleet:1',
      components: { 'com.example.Probe': { version: '1.0.0', configurationUpdate: { merge: { keyAlgorithm: 'ECDSA-P256' } } } },
      failureHandlingPolicy: 'ROLLBACK',
    });

    fx.model.deviceJobs.updateJobExecution('core-1', first.iotJobId!, {
      status: 'FAILED',
      statusDetails: { 'deployment-failure-cause': 'Disk full', 'deployment-error-types': '["DEVICE_ERROR"]' },
    });
    const second = await greengrass.send(
      new CreateDeploymentCommand({
        targetArn: GROUP_ARN,
        deploymentName: 'Fleet',
        components: { 'com.example.Probe': { componentVersion: '1.0.1' } },
      }),
    );
    clock.advance(500);
    const latest = await greengrass.send(new ListDeploymentsCommand({ targetArn: GROUP_ARN, historyFilter: 'LATEST_ONLY' }));
    expect(latest.deployments?.map((d) => d.deploymentId)).toEqual([second.deploymentId]);
    const all = await greengrass.send(new ListDeploymentsCommand({ targetArn: GROUP_ARN }));
    expect(all.deployments?.map((d) => [d.revisionId, d.deploymentStatus, d.isLatestForTarget])).toEqual([
      ['2', 'ACTIVE', true],
      ['1', 'INACTIVE', false],
    ]);
    // The replaced revision's job no longer reaches core-2, which had not started it.
    expect(fx.model.jobs.describeJobExecution(first.iotJobId!, 'core-2').status).toBe('CANCELED');

    const effective = await greengrass.send(new ListEffectiveDeploymentsCommand({ coreDeviceThingName: 'core-1' }));
    expect(effective.effectiveDeployments?.map((d) => [d.deploymentId, d.coreDeviceExecutionStatus])).toEqual([
      [second.deploymentId, 'QUEUED'],
      [first.deploymentId, 'FAILED'],
    ]);
    expect(effective.effectiveDeployments?.[1]).toMatchObject({ reason: 'Disk full', statusDetails: { errorTypes: ['DEVICE_ERROR'] } });

    await greengrass.send(new CancelDeploymentCommand({ deploymentId: second.deploymentId }));
    expect((await greengrass.send(new GetDeploymentCommand({ deploymentId: second.deploymentId }))).deploymentStatus).toBe('CANCELED');
  });

  it('refuses a merge that is not a JSON object and a target that does not exist', async () => {
    const badMerge = greengrass.send(
      new CreateDeploymentCommand({
        targetArn: GROUP_ARN,
        components: { 'com.example.Probe': { componentVersion: '1.0.0', configurationUpdate: { merge: '[1]' } } },
      }),
    );
    await expect(badMerge).rejects.toThrow('components.com.example.Probe.configurationUpdate.merge must be a JSON object');
    const missing = greengrass.send(new CreateDeploymentCommand({ targetArn: 'arn:aws:iot:us-east-1:123456789012:thinggroup/none' }));
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('knows a core device from its fleet status report', async () => {
    await expect(greengrass.send(new GetCoreDeviceCommand({ coreDeviceThingName: 'core-2' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    const report = {
      ggcVersion: '2.14.0',
      platform: 'linux',
      architecture: 'amd64',
      thing: 'core-2',
      overallDeviceStatus: 'HEALTHY',
      timestamp: clock.now(),
      sequenceNumber: 1,
      messageType: 'COMPLETE',
      trigger: 'NUCLEUS_LAUNCH',
      components: [],
    };
    expect(
      fx.model.greengrass.handleDeviceMessage('$aws/things/core-2/greengrassv2/health/json', Buffer.from(JSON.stringify(report))),
    ).toBe(true);
    expect(await greengrass.send(new GetCoreDeviceCommand({ coreDeviceThingName: 'core-2' }))).toMatchObject({
      coreVersion: '2.14.0',
      platform: 'linux',
      status: 'HEALTHY',
      runtime: 'aws_nucleus_classic',
    });
    const listed = await greengrass.send(new ListCoreDevicesCommand({ thingGroupArn: GROUP_ARN, status: 'HEALTHY' }));
    expect(listed.coreDevices?.map((d) => d.coreDeviceThingName)).toEqual(['core-2']);
  });
});
