import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GreengrassV2Client } from '@aws-sdk/client-greengrassv2';
import { S3Client } from '@aws-sdk/client-s3';
import { startAwsStandIn, type AwsStandIn } from '../../../aws/index.js';
import { standInClientConfig } from '../../../local/deploy-backend.js';
import { publishComponentVersion, type PublishedVersion } from '../../../local/publish-component.js';
import { startNucleus, type Nucleus } from '../../../device/nucleus/nucleus.js';
import { MemoryLogger } from '../../../../shared/test/support/memory-logger.js';
import { writeTestBuild } from './test-component.js';

export const PROBE = 'com.example.Probe';

/** A stand-in with a thing group of cores whose nuclei take Greengrass deployments, and an operator's clients. */
export interface CloudCores {
  dir: string;
  aws: AwsStandIn;
  greengrass: GreengrassV2Client;
  s3: S3Client;
  groupArn: string;
  nuclei: Nucleus[];
  /** Builds the probe component with these lifecycle scripts and publishes it as `version`. */
  publish(version: string, lifecycle: Record<string, string>): Promise<PublishedVersion>;
  close(): Promise<void>;
}

export async function startCloudCores(group: string, things: string[]): Promise<CloudCores> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cloud-cores-'));
  const aws = await startAwsStandIn({ logger: new MemoryLogger() });
  const config = standInClientConfig(aws);
  const greengrass = new GreengrassV2Client(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const nuclei: Nucleus[] = [];
  for (const thingName of things) {
    const device = await aws.model.registry.provisionDevice({
      thingName,
      keySpec: { kind: 'EC', curve: 'P-256' },
      policyName: 'GreengrassCorePolicy',
      thingGroupName: group,
    });
    nuclei.push(
      await startNucleus({
        root: path.join(dir, thingName),
        thingName,
        broker: { host: aws.mqtt.host, port: aws.mqtt.port, caPem: aws.mqtt.caCertificatePem },
        cloud: { endpoint: aws.http!.endpoint, region: aws.model.region, rootCaPem: aws.mqtt.caCertificatePem },
        credentials: { kind: 'files', certificatePem: device.certificatePem, privateKeyPem: device.privateKeyPem },
        logger: new MemoryLogger(),
      }),
    );
  }
  return {
    dir,
    aws,
    greengrass,
    s3,
    nuclei,
    groupArn: aws.model.registry.things.describeThingGroup(group).thingGroupArn,
    publish: async (version, lifecycle) => {
      const build = await writeTestBuild(path.join(dir, `build-${version}`), {
        name: PROBE,
        files: { 'hello.txt': `hello ${version}` },
        lifecycle,
        defaultConfiguration: { greeting: 'hi' },
      });
      return publishComponentVersion(
        { s3, greengrass },
        { ...build, version, bucketPrefix: 'probe-artifacts', region: aws.model.region, accountId: aws.model.accountId },
      );
    },
    close: async () => {
      for (const nucleus of nuclei) await nucleus.stop();
      greengrass.destroy();
      s3.destroy();
      await aws.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
