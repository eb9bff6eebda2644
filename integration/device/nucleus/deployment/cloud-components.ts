import { mkdir, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import path from 'node:path';
import { GreengrassV2Client, ResolveComponentCandidatesCommand } from '@aws-sdk/client-greengrassv2';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeploymentError, packagePaths } from './install-artifacts.js';
import type { PublishedComponent } from './publish.js';
import { artifactFileName, artifactUri, linuxManifest, parseRecipe } from './recipe.js';

/** Where a core device reaches AWS over HTTPS: Greengrass's data plane and S3. */
export interface CloudEndpoint {
  /** The endpoint override of the stand-in's APIs (AWS: the regional endpoints). */
  endpoint: string;
  region: string;
  /**
   * The root certificate the core trusts for HTTPS: the nucleus's rootCaPath, the same root it
   * trusts for MQTT.
   */
  rootCaPem: string;
}

/**
 * The stand-in verifies no signatures and models no token exchange service; the nucleus signs
 * with these in place of the role-alias credentials a real core would fetch.
 */
const PLACEHOLDER_CREDENTIALS = { accessKeyId: 'token-exchange-service', secretAccessKey: 'not-checked' };

const PLATFORM = { name: 'linux', attributes: { os: 'linux', architecture: 'amd64' } };

/**
 * Brings a component version a deployment names onto the device as the nucleus does: the recipe
 * from ResolveComponentCandidates, then each S3 artifact downloaded (GetObject) into
 * `packages/artifacts/<name>/<version>/`, where installArtifacts checks its digest.
 */
export async function downloadComponent(
  cloud: CloudEndpoint,
  root: string,
  component: { name: string; version: string },
): Promise<PublishedComponent> {
  const settings = {
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: PLACEHOLDER_CREDENTIALS,
    requestHandler: { httpsAgent: new Agent({ ca: cloud.rootCaPem }) },
  };
  const greengrass = new GreengrassV2Client(settings);
  const s3 = new S3Client({ ...settings, forcePathStyle: true });
  try {
    let resolved;
    try {
      resolved = await greengrass.send(
        new ResolveComponentCandidatesCommand({
          platform: PLATFORM,
          componentCandidates: [{ componentName: component.name, componentVersion: component.version, versionRequirements: {} }],
        }),
      );
    } catch (error) {
      throw new DeploymentError(
        `Failed to negotiate version with cloud for ${component.name}-${component.version}: ${(error as Error).message}`,
      );
    }
    const recipeBytes = resolved.resolvedComponentVersions?.[0]?.recipe;
    if (!recipeBytes) throw new DeploymentError(`The cloud resolved no recipe for ${component.name}-${component.version}`);
    const recipe = parseRecipe(Buffer.from(recipeBytes).toString('utf8'), `${component.name}-${component.version} recipe`);
    const { artifactsPath } = packagePaths(root, component.name, component.version);
    await mkdir(artifactsPath, { recursive: true });
    const artifactFiles = new Map<string, string>();
    for (const artifact of linuxManifest(recipe).Artifacts) {
      const uri = artifactUri(artifact);
      const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
      if (!match?.[1] || !match[2]) throw new DeploymentError(`Artifact URI ${uri} of ${component.name} is not an S3 URI`);
      const target = path.join(artifactsPath, artifactFileName(artifact));
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
        await writeFile(target, await object.Body!.transformToByteArray());
      } catch (error) {
        throw new DeploymentError(
          `Failed to download artifact ${uri} of ${component.name}-${component.version}: ${(error as Error).message}`,
        );
      }
      artifactFiles.set(uri, target);
    }
    return { name: recipe.ComponentName, version: recipe.ComponentVersion, recipe, artifactFiles };
  } finally {
    greengrass.destroy();
    s3.destroy();
  }
}
