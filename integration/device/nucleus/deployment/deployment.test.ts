import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MemoryLogger } from '../../../../shared/test/support/memory-logger.js';
import { writeTestBuild } from '../../../test/support/nucleus/test-component.js';
import { DeploymentError, installArtifacts, packagePaths } from './install-artifacts.js';
import { publishComponent } from './publish.js';

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

describe('publishing the build output and installing it on a device', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nucleus-deploy-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const build = () =>
    writeTestBuild(path.join(dir, 'build'), {
      name: 'com.example.Probe',
      files: { 'bin/hello.txt': 'hello\n' },
      lifecycle: { Run: 'cat {artifacts:decompressedPath}/probe/bin/hello.txt' },
    });

  it("fixes the version, rewrites the URI and records the artifact's SHA-256 digest", async () => {
    const output = await build();
    const published = await publishComponent({ ...output, version: '1.2.3', storeDir: path.join(dir, 'store') });
    const digest = createHash('sha256')
      .update(await readFile(output.artifactPath))
      .digest('base64');
    const stored = parse(await readFile(path.join(dir, 'store', 'com.example.Probe', '1.2.3', 'recipe.yaml'), 'utf8'));
    expect(stored.ComponentVersion).toBe('1.2.3');
    expect(stored.Manifests[1].Artifacts[0]).toEqual({
      Uri: 's3://greengrass-component-artifacts/com.example.Probe/1.2.3/probe.zip',
      Unarchive: 'ZIP',
      Digest: digest,
      Algorithm: 'SHA-256',
    });
    expect(published.version).toBe('1.2.3');
  });

  it('unarchives a verified artifact where Greengrass does', async () => {
    const published = await publishComponent({ ...(await build()), storeDir: path.join(dir, 'store') });
    const root = path.join(dir, 'root');
    await installArtifacts(root, published, new MemoryLogger());
    const paths = packagePaths(root, 'com.example.Probe', '1.0.0');
    expect(await exists(path.join(paths.artifactsPath, 'probe.zip'))).toBe(true);
    expect(
      await readFile(
        path.join(root, 'packages', 'artifacts-unarchived', 'com.example.Probe', '1.0.0', 'probe', 'bin', 'hello.txt'),
        'utf8',
      ),
    ).toBe('hello\n');
    expect(await exists(paths.recipePath)).toBe(true);
  });

  it('fails on a digest mismatch, deletes the artifact and unarchives nothing', async () => {
    const published = await publishComponent({ ...(await build()), storeDir: path.join(dir, 'store') });
    // The bytes change after publishing: corruption in the bucket or on the way down.
    await writeFile([...published.artifactFiles.values()][0]!, 'not the published zip');
    const root = path.join(dir, 'root');
    const logger = new MemoryLogger();
    const failure = installArtifacts(root, published, logger);
    await expect(failure).rejects.toBeInstanceOf(DeploymentError);
    await expect(failure).rejects.toThrow('Integrity check for downloaded artifact failed');
    const paths = packagePaths(root, 'com.example.Probe', '1.0.0');
    expect(await exists(path.join(paths.artifactsPath, 'probe.zip'))).toBe(false);
    expect(await exists(paths.decompressedPath)).toBe(false);
    expect(logger.entries.some((l) => l.message === 'Artifact digest mismatch; artifact deleted')).toBe(true);
  });
});
