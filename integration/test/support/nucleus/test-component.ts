import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { stringify } from 'yaml';

/** Writes a GDK-style build output (recipe without digest, zip artifact) for a test component. */
export async function writeTestBuild(
  dir: string,
  options: {
    name: string;
    files: Record<string, string>;
    lifecycle: Record<string, unknown>;
    defaultConfiguration?: Record<string, unknown>;
  },
): Promise<{ recipePath: string; artifactPath: string }> {
  const zip = new AdmZip();
  for (const [name, content] of Object.entries(options.files)) zip.addFile(name, Buffer.from(content));
  const artifactDir = path.join(dir, 'artifacts', options.name, 'NEXT_PATCH');
  await mkdir(artifactDir, { recursive: true });
  await mkdir(path.join(dir, 'recipes'), { recursive: true });
  const artifactPath = path.join(artifactDir, 'probe.zip');
  zip.writeZip(artifactPath);
  const recipePath = path.join(dir, 'recipes', 'recipe.yaml');
  await writeFile(
    recipePath,
    stringify({
      RecipeFormatVersion: '2020-01-25',
      ComponentName: options.name,
      ComponentVersion: '{COMPONENT_VERSION}',
      ComponentConfiguration: { DefaultConfiguration: options.defaultConfiguration ?? {} },
      Manifests: [
        {
          Platform: { os: 'windows' },
          Lifecycle: { Run: 'exit 9' },
          Artifacts: [{ Uri: 's3://BUCKET_NAME/COMPONENT_NAME/COMPONENT_VERSION/probe.zip', Unarchive: 'ZIP' }],
        },
        {
          Platform: { os: 'linux' },
          Lifecycle: options.lifecycle,
          Artifacts: [{ Uri: 's3://BUCKET_NAME/COMPONENT_NAME/COMPONENT_VERSION/probe.zip', Unarchive: 'ZIP' }],
        },
      ],
    }),
  );
  return { recipePath, artifactPath };
}
