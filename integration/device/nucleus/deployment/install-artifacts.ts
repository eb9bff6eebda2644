import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { stringify } from 'yaml';
import type { Logger } from '../../../../shared/logging/logger.js';
import { sha256Base64, type PublishedComponent } from './publish.js';
import { artifactFileName, artifactUri, linuxManifest } from './recipe.js';

export class DeploymentError extends Error {}

/** Where Greengrass keeps a component version's files under its root. */
export function packagePaths(root: string, name: string, version: string) {
  return {
    recipePath: path.join(root, 'packages', 'recipes', `${name}-${version}.yaml`),
    artifactsPath: path.join(root, 'packages', 'artifacts', name, version),
    decompressedPath: path.join(root, 'packages', 'artifacts-unarchived', name, version),
  };
}

const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    () => false,
  );

/**
 * Brings a published component version onto the device as the nucleus does: recipe into
 * `packages/recipes`, each artifact "downloaded" into `packages/artifacts/<name>/<version>/`
 * and checked against the recipe's digest (a mismatch deletes the file and fails the
 * deployment before anything runs), ZIP artifacts unarchived into
 * `packages/artifacts-unarchived/<name>/<version>/<file name without .zip>/`.
 */
export async function installArtifacts(root: string, component: PublishedComponent, logger: Logger): Promise<void> {
  const paths = packagePaths(root, component.name, component.version);
  const manifest = linuxManifest(component.recipe);
  await mkdir(path.dirname(paths.recipePath), { recursive: true });
  await writeFile(paths.recipePath, stringify(component.recipe));
  await mkdir(paths.artifactsPath, { recursive: true });
  for (const artifact of manifest.Artifacts) {
    const uri = artifactUri(artifact);
    const source = component.artifactFiles.get(uri);
    if (source === undefined) throw new DeploymentError(`Artifact ${uri} of ${component.name} is not in the component store`);
    const fileName = artifactFileName(artifact);
    const target = path.join(paths.artifactsPath, fileName);
    if (!(await exists(target))) await copyFile(source, target);
    if (artifact.Digest !== undefined) {
      if ((artifact.Algorithm ?? 'SHA-256') !== 'SHA-256') throw new DeploymentError(`Unsupported digest algorithm ${artifact.Algorithm}`);
      const actual = sha256Base64(await readFile(target));
      if (actual !== artifact.Digest) {
        await rm(target, { force: true });
        logger.error('Artifact digest mismatch; artifact deleted', { component: component.name, uri, expected: artifact.Digest, actual });
        throw new DeploymentError(
          `Failed to download artifact ${uri} of ${component.name}-${component.version}: Integrity check for downloaded artifact failed. Probably due to file corruption.`,
        );
      }
    } else {
      logger.warn('Artifact has no digest in its recipe; not verified', { component: component.name, uri });
    }
    if (artifact.Unarchive === 'ZIP') {
      const destination = path.join(paths.decompressedPath, fileName.replace(/\.zip$/i, ''));
      await rm(destination, { recursive: true, force: true });
      await mkdir(destination, { recursive: true });
      try {
        new AdmZip(target).extractAllTo(destination, true);
      } catch (error) {
        throw new DeploymentError(`Failed to unarchive ${fileName}: ${(error as Error).message}`);
      }
    }
  }
}
