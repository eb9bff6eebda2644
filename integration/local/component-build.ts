import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildComponent } from '../../component/build/gdk-build.js';
import { COMPONENT_NAME } from '../../shared/contract/index.js';

export interface ComponentBuild {
  recipePath: string;
  artifactPath: string;
  /** True when this call built it; false when an earlier `npm run build` was used. */
  built: boolean;
}


/** The output of `npm run build` under `outDir`, if there is exactly one version of it. */
export function findComponentBuild(outDir: string): Omit<ComponentBuild, 'built'> | undefined {
  const recipePath = path.join(outDir, 'recipes', 'recipe.yaml');
  const versions = path.join(outDir, 'artifacts', COMPONENT_NAME);
  if (!existsSync(recipePath) || !existsSync(versions)) return undefined;
  const candidates = readdirSync(versions)
    .map((v) => path.join(versions, v, 'certificate-rotator.zip'))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  const artifactPath = candidates[0];
  return artifactPath ? { recipePath, artifactPath } : undefined;
}

/** Uses `greengrass-build/` from `npm run build` when it is there, and builds it otherwise. */
export async function ensureComponentBuild(projectRoot: string, say: (line: string) => void): Promise<ComponentBuild> {
  const outDir = path.join(projectRoot, 'greengrass-build');
  const found = findComponentBuild(outDir);
  if (found) {
    const age = Math.round((Date.now() - statSync(found.artifactPath).mtimeMs) / 60_000);
    say(`Using the component build in greengrass-build/ (made ${age} min ago; run npm run build to refresh it)`);
    return { ...found, built: false };
  }
  say('Building the component (npm run build) ...');
  const result = await buildComponent({ projectRoot, outDir });
  return { recipePath: result.recipePath, artifactPath: result.artifactPath, built: true };
}
