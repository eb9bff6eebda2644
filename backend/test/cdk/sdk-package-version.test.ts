import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { handlerBuildOptions, PROJECT_ROOT } from '../../lib/handler-bundling.js';
import { sdkPackageVersion } from '../../lib/sdk-package-version.js';

/** The clients the handlers bundle. */
const CLIENTS = ['client-iot', 'client-iot-data-plane', 'client-iot-jobs-data-plane', 'client-sns', 'client-acm-pca'];
const clientDir = (client: string): string => path.join(PROJECT_ROOT, 'node_modules/@aws-sdk', client);

/** What each of the client's ES modules reads of the package.json it imports, as `binding.field`. */
function packageJsonReads(client: string): string[] {
  const dir = path.join(clientDir(client), 'dist-es');
  const reads: string[] = [];
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(path.join(dir, file), 'utf8');
    for (const [, binding] of source.matchAll(/import (\w+) from "(?:\.\.?\/)+package\.json"/g)) {
      if (binding === undefined) continue;
      expect(source.match(new RegExp(`\\b${binding}\\b`, 'g'))?.length).toBe(
        [...source.matchAll(new RegExp(`\\b${binding}\\.\\w+`, 'g'))].length + 1,
      );
      for (const [read] of source.matchAll(new RegExp(`\\b${binding}\\.\\w+`, 'g'))) reads.push(read.replace(binding, 'packageInfo'));
    }
  }
  return reads;
}

describe('SDK package.json files in the bundles', () => {
  it.each(CLIENTS)('%s reads only the version of its package.json', (client) => {
    const reads = packageJsonReads(client);
    expect(reads.length).toBeGreaterThan(0);
    expect(new Set(reads)).toEqual(new Set(['packageInfo.version']));
  });

  it('keeps the version of each, and nothing else', async () => {
    const entry = CLIENTS.map((client, i) => `import p${i} from '@aws-sdk/${client}/package.json'; export const v${i} = p${i};`).join('\n');
    const result = await build({
      stdin: { contents: entry, resolveDir: PROJECT_ROOT, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      plugins: [sdkPackageVersion],
      logLevel: 'error',
    });
    const text = result.outputFiles[0]?.text ?? '';
    for (const client of CLIENTS) {
      const { version } = JSON.parse(readFileSync(path.join(clientDir(client), 'package.json'), 'utf8')) as { version: string };
      expect(text).toContain(`"${version}"`);
    }
    expect(text).not.toContain('"dependencies"');
    expect(handlerBuildOptions('entry.ts', 'index.mjs').plugins).toContain(sdkPackageVersion);
  });
});
