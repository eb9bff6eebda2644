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

/** What the component's bundle, artifact and recipe are made from. */
const BUILD_INPUTS = [
  'component/src',
  'component/build',
  'component/platform',
  'shared',
  'recipe.yaml',
  'gdk-config.json',
  'package-lock.json',
];

/** The newest modification time among the build's inputs (tests aside), in epoch milliseconds. */
export function newestBuildInput(projectRoot: string): number {
  let newest = 0;
  const visit = (file: string): void => {
    if (!existsSync(file)) return;
    const stat = statSync(file);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(file)) if (entry !== 'node_modules' && entry !== 'test') visit(path.join(file, entry));
    } else if (!file.endsWith('.test.ts')) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const input of BUILD_INPUTS) visit(path.join(projectRoot, input));
  return newest;
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

/**
 * Uses `greengrass-build/` from `npm run build` when it is there and newer than every source it is
 * made from, and builds it otherwise: the demo runs the code of the work tree, not an older build.
 */
export async function ensureComponentBuild(projectRoot: string, say: (line: string) => void): Promise<ComponentBuild> {
  const outDir = path.join(projectRoot, 'greengrass-build');
  const found = findComponentBuild(outDir);
  const builtAt = found ? statSync(found.artifactPath).mtimeMs : 0;
  if (found && builtAt >= newestBuildInput(projectRoot)) {
    const age = Math.round((Date.now() - builtAt) / 60_000);
    say(`Using the component build in greengrass-build/ (made ${age} min ago, newer than its sources)`);
    return { ...found, built: false };
  }
  say(
    found
      ? 'The component changed since greengrass-build/ was made: building it again (npm run build)'
      : 'No component build in greengrass-build/: building it (npm run build)',
  );
  const result = await buildComponent({ projectRoot, outDir, progress: (line) => say(`  ${line}`) });
  return { recipePath: result.recipePath, artifactPath: result.artifactPath, built: true };
}
