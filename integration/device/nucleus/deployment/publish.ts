import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { artifactFileName, parseRecipe, type Recipe } from './recipe.js';

/** A component version as the cloud holds it after `gdk component publish`. */
export interface PublishedComponent {
  name: string;
  version: string;
  recipe: Recipe;
  /** Where the "bucket" keeps each artifact, by URI. */
  artifactFiles: ReadonlyMap<string, string>;
}

export interface PublishOptions {
  /** `greengrass-build/recipes/recipe.yaml`. */
  recipePath: string;
  /** `greengrass-build/artifacts/<component>/<version>/<file>`. */
  artifactPath: string;
  /** Fills a version GDK left open (NEXT_PATCH); default 1.0.0. */
  version?: string;
  /** The stand-in's component store (the "S3 bucket" and the recipe service). */
  storeDir: string;
  bucket?: string;
}

export const sha256Base64 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('base64');

/**
 * Publishes the build output as GDK and the Greengrass service do: the version is fixed, each
 * artifact is uploaded and its URI rewritten, and the recipe gets the artifact's SHA-256
 * digest, which the device checks before it runs anything.
 */
export async function publishComponent(options: PublishOptions): Promise<PublishedComponent> {
  const recipe = parseRecipe(await readFile(options.recipePath, 'utf8'), options.recipePath);
  const version = /^\d+\.\d+\.\d+/.test(recipe.ComponentVersion) ? recipe.ComponentVersion : (options.version ?? '1.0.0');
  const name = recipe.ComponentName;
  const bucket = options.bucket ?? 'greengrass-component-artifacts';
  const fileName = path.basename(options.artifactPath);
  const bytes = await readFile(options.artifactPath);
  const versionDir = path.join(options.storeDir, name, version);
  await mkdir(versionDir, { recursive: true });
  const stored = path.join(versionDir, fileName);
  await copyFile(options.artifactPath, stored);

  const uri = `s3://${bucket}/${name}/${version}/${fileName}`;
  let matched = 0;
  const published: Recipe = {
    ...recipe,
    ComponentVersion: version,
    Manifests: recipe.Manifests.map((manifest) => ({
      ...manifest,
      Artifacts: manifest.Artifacts.map((artifact) => {
        if (artifactFileName(artifact) !== fileName) return artifact;
        matched += 1;
        const { URI: _legacy, ...rest } = artifact;
        return { ...rest, Uri: uri, Digest: sha256Base64(bytes), Algorithm: 'SHA-256' };
      }),
    })),
  };
  if (matched === 0) throw new Error(`${options.recipePath}: no artifact named ${fileName}`);
  await writeFile(path.join(versionDir, 'recipe.yaml'), stringify(published));
  return { name, version, recipe: published, artifactFiles: new Map([[uri, stored]]) };
}
