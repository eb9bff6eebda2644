import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildHandler, handlerEntry, PROJECT_ROOT, RUNTIME_ONLY_SDK_MODULES, type HandlerName } from '../../lib/handler-bundling.js';

/**
 * What goes into the deployed bundles. Each of these has made them larger than they need be, and
 * each is easy to bring back unnoticed:
 * - `import { z } from 'zod'` keeps every zod locale (about 360 kB), because the `z` object holds
 *   them all; `import * as z from 'zod'` lets esbuild drop what is unused.
 * - The jobs data-plane client's newest release pins an older @aws-sdk/core and its middleware
 *   packages, which brought a second copy of them (36 KB). package.json's `overrides` give it the
 *   versions the other clients use (the middleware packages are now thin re-exports of that core).
 * - The Private CA client's newest release (3.523.0) is of the older SDK generation, whose own
 *   @smithy and @aws-sdk packages were 97 KB of create-certificate beside the newer ones (and, when
 *   npm hoisted them, made every newer client carry its own @smithy/core). The `overrides` give it
 *   the newer generation's packages too, which still export everything its generated code imports
 *   (esbuild fails on a missing one); private-ca-client-wire.test.ts checks what it sends and reads.
 */

const HANDLERS: readonly HandlerName[] = [
  'create-certificate',
  'commit-certificate',
  'job-execution-terminal',
  'job-execution-events',
  'rotation-scheduler',
];

interface BundleGraph {
  inputs: string[];
  /** What the bundle imports from outside itself (Node.js built-ins aside), and how. */
  externals: Array<{ path: string; kind: string }>;
}

/** The bundle's inputs and what it leaves out, as the construct builds it. */
async function bundleGraph(handler: HandlerName): Promise<BundleGraph> {
  const result = await buildHandler(handlerEntry(handler), 'index.mjs', { write: false });
  const output: Metafile['outputs'][string] | undefined = Object.values(result.metafile.outputs)[0];
  if (output === undefined) throw new Error(`esbuild produced no output for ${handler}`);
  return {
    inputs: Object.keys(output.inputs).filter((input) => output.inputs[input]?.bytesInOutput !== 0),
    externals: output.imports.filter((i) => i.external === true && !isBuiltin(i.path)).map(({ path, kind }) => ({ path, kind })),
  };
}

interface PackageCopies {
  name: string;
  version: string;
  dirs: Set<string>;
}

/** Every package version that contributes code to a bundle, with the directories it comes from. */
function packageCopies(inputs: readonly string[]): PackageCopies[] {
  const copies = new Map<string, PackageCopies>();
  for (const input of inputs) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    const [, dir, name] = match;
    const { version } = JSON.parse(readFileSync(`${PROJECT_ROOT}/${dir}/package.json`, 'utf8')) as { version: string };
    const key = `${name}@${version}`;
    const entry = copies.get(key) ?? { name, version, dirs: new Set<string>() };
    entry.dirs.add(dir);
    copies.set(key, entry);
  }
  return [...copies.values()];
}

/** Copies of packages bundled from more than one directory. */
function repeatedCopies(copies: readonly PackageCopies[]): string[] {
  return copies.filter(({ dirs }) => dirs.size > 1).map(({ name, version, dirs }) => `${name}@${version}: ${[...dirs].join(', ')}`);
}

/** Packages bundled at more than one version. */
function versionConflicts(copies: readonly PackageCopies[]): string[] {
  const versions = new Map<string, string[]>();
  for (const { name, version } of copies) versions.set(name, [...(versions.get(name) ?? []), version]);
  return [...versions].filter(([, found]) => found.length > 1).map(([name, found]) => `${name}: ${found.join(', ')}`);
}

describe('handler bundles', () => {
  const inputs = new Map<HandlerName, string[]>();
  const externals = new Map<HandlerName, BundleGraph['externals']>();
  beforeAll(async () => {
    for (const handler of HANDLERS) {
      const graph = await bundleGraph(handler);
      inputs.set(handler, graph.inputs);
      externals.set(handler, graph.externals);
    }
  });

  it.each(HANDLERS)('%s leaves to the runtime only SDK parts it imports dynamically', (handler) => {
    const left = externals.get(handler) ?? [];
    // Every handler makes an AWS client, whose default credential chain reaches the runtime-only links.
    expect(left.map((i) => i.path)).toContain('@aws-sdk/credential-provider-ini');
    expect(left.filter((i) => !RUNTIME_ONLY_SDK_MODULES.includes(i.path) || i.kind !== 'dynamic-import')).toEqual([]);
  });

  it.each(HANDLERS)('%s carries no zod locale', (handler) => {
    const all = inputs.get(handler) ?? [];
    expect(all.some((input) => input.includes('node_modules/zod/'))).toBe(true);
    expect(all.filter((input) => input.includes('/zod/v4/locales/') && !input.endsWith('/locales/en.js'))).toEqual([]);
  });

  it.each(HANDLERS)('%s carries each package version once', (handler) => {
    const copies = packageCopies(inputs.get(handler) ?? []);
    expect(copies.some(({ name }) => name === '@smithy/core')).toBe(true);
    expect(repeatedCopies(copies)).toEqual([]);
  });

  it.each(HANDLERS)(
    "%s carries one version of each package (the jobs data-plane and Private CA clients on the others' SDK core)",
    (handler) => {
      expect(versionConflicts(packageCopies(inputs.get(handler) ?? []))).toEqual([]);
    },
  );

  it('keeps the rotation scheduler small: only the IoT control plane and SNS', () => {
    const clients = new Set(
      (inputs.get('rotation-scheduler') ?? []).flatMap((input) => /node_modules\/@aws-sdk\/(client-[^/]+)\//.exec(input)?.[1] ?? []),
    );
    expect([...clients].sort()).toEqual(['client-iot', 'client-sns']);
  });

  it('would notice an SDK package bundled twice or at two versions', () => {
    const copies: PackageCopies[] = [
      { name: '@smithy/core', version: '1.4.2', dirs: new Set(['node_modules/@aws-sdk/client-acm-pca/node_modules/@smithy/core']) },
      {
        name: '@smithy/core',
        version: '3.41.0',
        dirs: new Set(['node_modules/@smithy/core', 'node_modules/b/node_modules/@smithy/core']),
      },
    ];
    expect(repeatedCopies(copies)).toEqual(['@smithy/core@3.41.0: node_modules/@smithy/core, node_modules/b/node_modules/@smithy/core']);
    expect(versionConflicts(copies)).toEqual(['@smithy/core: 1.4.2, 3.41.0']);
    expect(versionConflicts(copies.slice(1))).toEqual([]);
  });
});
