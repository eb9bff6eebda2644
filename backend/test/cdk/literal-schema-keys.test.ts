import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerBuildOptions, PROJECT_ROOT } from '../../lib/handler-bundling.js';
import { literalSchemaKeys, SDK_SCHEMA_FILE, withLiteralKeys } from '../../lib/literal-schema-keys.js';

/** The schema files of the schema-based clients the handlers use (the Private CA client is older and has none). */
const CLIENTS = ['client-iot', 'client-iot-data-plane', 'client-iot-jobs-data-plane', 'client-sns'];
const schemaFile = (client: string): string => path.join(PROJECT_ROOT, 'node_modules/@aws-sdk', client, 'dist-es/schemas/schemas_0.js');

/** A schema module's exports as comparable text: lazy references (`() => X$`) by their source. */
function exportsText(module: Record<string, unknown>): string {
  return JSON.stringify(module, (_key, value: unknown) => (typeof value === 'function' ? `fn:${value.toString()}` : value));
}

describe('literal schema keys', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(PROJECT_ROOT, 'node_modules', '.literal-schema-keys-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Bundles one schema module by itself, with or without the plugin, and imports it. */
  async function load(client: string, plugins: Plugin[]): Promise<Record<string, unknown>> {
    const outfile = path.join(dir, `${client}-${plugins.length}.mjs`);
    await build({ entryPoints: [schemaFile(client)], outfile, bundle: true, platform: 'node', format: 'esm', plugins, logLevel: 'error' });
    return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
  }

  it.each(CLIENTS)('%s: every computed key of the schema file becomes a literal', async (client) => {
    const file = schemaFile(client);
    expect(file).toMatch(SDK_SCHEMA_FILE);
    const source = await readFile(file, 'utf8');
    expect(source).toMatch(/\[_\w+\]:/);
    expect(withLiteralKeys(source)).not.toMatch(/\[_\w+\]:/);
  });

  it.each(CLIENTS)('%s: the schemas are the same values as the SDK writes them', async (client) => {
    const [original, literal] = [await load(client, []), await load(client, [literalSchemaKeys])];
    expect(Object.keys(literal).length).toBeGreaterThan(10);
    expect(exportsText(literal)).toEqual(exportsText(original));
  });

  it('leaves a key alone whose constant is not a string of the same file', () => {
    const source = 'const _a = "http";\nconst _b = 3;\nexport var X$ = [{ [_a]: 1, [_b]: 2, [_c]: 3 }];\n';
    expect(withLiteralKeys(source)).toBe('const _a = "http";\nconst _b = 3;\nexport var X$ = [{ "http": 1, [_b]: 2, [_c]: 3 }];\n');
  });

  it('is what the handlers are bundled with', () => {
    expect(handlerBuildOptions('entry.ts', 'index.mjs').plugins).toContain(literalSchemaKeys);
  });
});
