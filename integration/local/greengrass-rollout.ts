import { readFile } from 'node:fs/promises';
import { CreateDeploymentCommand, GreengrassV2Client } from '@aws-sdk/client-greengrassv2';
import { DescribeThingGroupCommand, IoTClient } from '@aws-sdk/client-iot';
import { S3Client } from '@aws-sdk/client-s3';
import { parse } from 'yaml';
import { readGdkConfig } from '../../component/build/gdk-config.js';
import { awaitDeployment } from '../../shared/operator/deployment-wait.js';
import type { AwsStandIn } from '../aws/index.js';
import type { ComponentBuild } from './component-build.js';
import { standInClientConfig } from './deploy-backend.js';
import { publishComponentVersion } from './publish-component.js';

export interface ComponentRollout {
  componentName: string;
  componentVersion: string;
  deploymentId: string;
  iotJobId: string;
}

export interface RolloutOptions {
  projectRoot: string;
  thingGroupName: string;
  /** The component's configuration MERGE in the deployment. */
  configuration: Record<string, unknown>;
  /** Longest the deployment may take to finish on every core. */
  timeoutMs: number;
  say: (line: string) => void;
}

/** The version the build fixed, or 1.0.0 when it left `{COMPONENT_VERSION}` to publishing (NEXT_PATCH). */
async function buildVersion(recipePath: string): Promise<string> {
  const version = String((parse(await readFile(recipePath, 'utf8')) as { ComponentVersion?: unknown }).ComponentVersion);
  return /^\d+\.\d+\.\d+/.test(version) ? version : '1.0.0';
}

/**
 * What an operator does to put the component on a fleet, against the stand-in's public APIs:
 * publish the build (`gdk component publish`: S3 upload, CreateComponentVersion), create a
 * Greengrass deployment to the thing group with the configuration, and wait until every core
 * has run it. Throws with each failing core's cause.
 */
export async function rollOutComponent(
  standIn: AwsStandIn,
  build: Pick<ComponentBuild, 'recipePath' | 'artifactPath'>,
  options: RolloutOptions,
): Promise<ComponentRollout> {
  const config = standInClientConfig(standIn);
  const greengrass = new GreengrassV2Client(config);
  const iot = new IoTClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  try {
    const gdk = readGdkConfig(options.projectRoot);
    const published = await publishComponentVersion(
      { s3, greengrass },
      {
        ...build,
        version: await buildVersion(build.recipePath),
        bucketPrefix: gdk.bucket,
        region: standIn.model.region,
        accountId: standIn.model.accountId,
      },
    );
    options.say(`Published ${published.componentName} ${published.componentVersion} to the stand-in's Greengrass (artifact in S3)`);
    const group = await iot.send(new DescribeThingGroupCommand({ thingGroupName: options.thingGroupName }));
    const created = await greengrass.send(
      new CreateDeploymentCommand({
        targetArn: group.thingGroupArn,
        deploymentName: `Deployment for ${options.thingGroupName}`,
        components: {
          [published.componentName]: {
            componentVersion: published.componentVersion,
            configurationUpdate: { merge: JSON.stringify(options.configuration) },
          },
        },
      }),
    );
    const deploymentId = created.deploymentId ?? '';
    options.say(`Deploying it to thing group ${options.thingGroupName} (deployment ${deploymentId})`);
    const lines: string[] = [];
    const io = { stdout: { write: (text: string) => lines.push(text) }, stderr: { write: (text: string) => lines.push(text) > 0 } };
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const result = await awaitDeployment(
      { greengrass, iot },
      { deploymentId, iotJobId: created.iotJobId, description: `${published.componentName} ${published.componentVersion}` },
      { timeoutMs: options.timeoutMs, pollIntervalMs: 250, sleep, now: Date.now },
      io,
    );
    if (result.exitCode !== 0 || result.iotJobId === undefined)
      throw new Error(`The component's deployment did not succeed on every core:\n${lines.join('').trim()}`);
    return {
      componentName: published.componentName,
      componentVersion: published.componentVersion,
      deploymentId,
      iotJobId: result.iotJobId,
    };
  } finally {
    greengrass.destroy();
    iot.destroy();
    s3.destroy();
  }
}
