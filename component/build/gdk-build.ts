/**
 * GDK custom build (`gdk component build` runs it through gdk-config.json; `npm run build` too):
 * bundles the component into one CommonJS file, zips it with the native addons and the
 * Windows scripts, and writes the recipe, in the layout GDK publishes from:
 *   greengrass-build/recipes/recipe.yaml
 *   greengrass-build/artifacts/<component>/<version>/certificate-rotator.zip
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import AdmZip from 'adm-zip';
import { build, type Plugin } from 'esbuild';
import { componentVersionSchema, readGdkConfig } from './gdk-config.js';
import { lazyBundlesPlugin, LAZY_BUNDLES } from './lazy-bundles.js';
import { nativeAddonsPlugin, nativeFilesFor, type NativeFile } from './native-addons.js';
import { ARTIFACT_NAME, fillRecipe } from './recipe-template.js';

export const BUNDLE_NAME = 'main.cjs';
/** Scripts from component/platform/ that the recipe runs from the unzipped artifact. */
export const PLATFORM_SCRIPTS = ['run.cmd', 'install.cmd'] as const;
/** A fixed timestamp keeps the zip's bytes, and so its digest, the same for the same inputs. */
const ZIP_ENTRY_TIME = new Date('2020-01-01T00:00:00Z');

export interface BuildOptions {
  projectRoot: string;
  outDir: string;
  /** Overrides gdk-config.json's version. */
  version?: string;
  /** Told each step as it starts and ends, with the time it took; a loaded machine makes the zip slow. */
  progress?: (line: string) => void;
}

export interface BuildResult {
  componentName: string;
  version: string;
  recipePath: string;
  artifactPath: string;
  artifactBytes: number;
  entries: string[];
}

/**
 * V8 keeps a script's source in memory for as long as the script lives, one byte a character when
 * every character is Latin-1 and two bytes a character otherwise: one em dash in one comment of one
 * dependency doubles the idle component's 2 MiB of source. esbuild writes code ASCII-only
 * (`charset: 'ascii'`) but copies comments as they are, so what this escapes is comment text.
 */
export function escapeNonAscii(code: string): string {
  return code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One JavaScript file of the artifact: `main.cjs` or a lazy bundle beside it. */
export interface BundledFile {
  name: string;
  code: Uint8Array;
}

async function bundleOne(projectRoot: string, entry: string, name: string, plugins: Plugin[]) {
  const result = await build({
    entryPoints: [path.join(projectRoot, entry)],
    absWorkingDir: projectRoot,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    charset: 'ascii',
    // Without comments and indentation V8 holds a quarter less source; names stay, for stack traces.
    minifyWhitespace: true,
    // A lazy bundle's `await import()` becomes `require()`: the CommonJS loader, not the ES module one.
    supported: { 'dynamic-import': false },
    outfile: name,
    write: false,
    metafile: true,
    legalComments: 'eof',
    logLevel: 'warning',
    plugins,
  });
  const output = result.outputFiles.find((file) => file.path.endsWith(name));
  if (output === undefined) throw new Error(`esbuild produced no ${name}`);
  return { file: { name, code: new TextEncoder().encode(escapeNonAscii(output.text)) }, metafile: result.metafile };
}

/** `main.cjs` first, then the lazy bundles, and the native binaries they all need. */
export async function bundleComponent(projectRoot: string): Promise<{ files: BundledFile[]; nativeFiles: NativeFile[] }> {
  const plugins = [nativeAddonsPlugin(), lazyBundlesPlugin(projectRoot)];
  const bundles = [
    await bundleOne(projectRoot, path.join('component', 'src', 'main.ts'), BUNDLE_NAME, plugins),
    ...(await Promise.all(LAZY_BUNDLES.map((lazy) => bundleOne(projectRoot, lazy.source, lazy.bundle, plugins)))),
  ];
  const nodeModules = path.join(projectRoot, 'node_modules');
  const nativeFiles = new Map(bundles.flatMap((b) => nativeFilesFor(b.metafile, nodeModules)).map((file) => [file.entry, file]));
  return { files: bundles.map((b) => b.file), nativeFiles: [...nativeFiles.values()] };
}

export async function buildComponent(options: BuildOptions): Promise<BuildResult> {
  const project = readGdkConfig(options.projectRoot);
  const version = componentVersionSchema.parse(options.version ?? project.version);
  const recipesDir = path.join(options.outDir, 'recipes');
  const componentArtifacts = path.join(options.outDir, 'artifacts', project.componentName);
  const artifactDir = path.join(componentArtifacts, version);
  rmSync(recipesDir, { recursive: true, force: true });
  rmSync(componentArtifacts, { recursive: true, force: true });
  mkdirSync(recipesDir, { recursive: true });
  mkdirSync(artifactDir, { recursive: true });

  const say = options.progress ?? (() => undefined);
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  say(`Building ${project.componentName} ${version}: bundling component/src/main.ts with esbuild`);
  const { files, nativeFiles } = await bundleComponent(options.projectRoot);
  const bundledBytes = files.reduce((sum, file) => sum + file.code.byteLength, 0);
  say(
    `Bundled ${(bundledBytes / 2 ** 20).toFixed(1)} MiB in ${files.length} files (${elapsed()}); zipping them with ${nativeFiles.length} native modules and ${PLATFORM_SCRIPTS.length} scripts`,
  );
  const zip = new AdmZip();
  const add = (entry: string, data: Buffer) => {
    zip.addFile(entry, data);
    zip.getEntry(entry)!.header.time = ZIP_ENTRY_TIME;
  };
  for (const file of files) add(file.name, Buffer.from(file.code));
  for (const file of nativeFiles) add(file.entry, readFileSync(file.source));
  for (const script of PLATFORM_SCRIPTS) {
    add(`scripts/${script}`, readFileSync(path.join(options.projectRoot, 'component', 'platform', script)));
  }
  const artifactPath = path.join(artifactDir, ARTIFACT_NAME);
  zip.writeZip(artifactPath);

  const recipePath = path.join(recipesDir, 'recipe.yaml');
  const template = readFileSync(path.join(options.projectRoot, 'recipe.yaml'), 'utf8');
  writeFileSync(recipePath, fillRecipe(template, { componentName: project.componentName, version, author: project.author }));
  const artifactBytes = statSync(artifactPath).size;
  say(`Wrote the artifact (${(artifactBytes / 2 ** 20).toFixed(1)} MiB) and the recipe (${elapsed()})`);

  return {
    componentName: project.componentName,
    version,
    recipePath,
    artifactPath,
    artifactBytes,
    entries: zip.getEntries().map((entry) => entry.entryName),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      version: { type: 'string' },
      'out-dir': { type: 'string' },
    },
  });
  const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const result = await buildComponent({
    projectRoot,
    outDir: path.resolve(values['out-dir'] ?? path.join(projectRoot, 'greengrass-build')),
    ...(values.version === undefined ? {} : { version: values.version }),
    // Progress on stderr: stdout says what was built.
    progress: (line) => console.error(line),
  });
  console.log(`Built ${result.componentName} ${result.version}`);
  console.log(`Recipe:   ${result.recipePath}`);
  console.log(`Artifact: ${result.artifactPath} (${result.artifactBytes} bytes)`);
  for (const entry of result.entries) console.log(`  ${entry}`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`Component build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
