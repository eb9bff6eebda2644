import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { defineBackendApp } from '../../backend/lib/backend-app.js';
import { DEFAULT_NAME_PREFIX } from '../../shared/contract/index.js';
import type { Template } from '../aws/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BACKEND = path.join(ROOT, 'backend');
/** Tool caches live under node_modules/.cache by convention; nothing here is named cdk.out. */
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'certificate-rotator-synth');
/** What synthesis reads: the app and its handlers (with the wire contract they bundle), the CDK context, and the locked dependencies. */
const SOURCES = ['backend/bin', 'backend/lib', 'backend/src', 'shared/contract', 'backend/cdk.json', 'package-lock.json'];

/** The stack's CDK context variables (see CONTEXT_VARIABLES in backend/lib/certificate-rotator-stack.ts). */
export interface BackendContext {
  PcaCaId: string;
  PcaValidityInDays: string;
  PcaSigningAlgorithm: string;
}

export interface SynthesizedBackend {
  stackName: string;
  template: Template;
  /** The bundled deployment package the template's Lambda function code (S3Bucket/S3Key) refers to. */
  code(bucket: string, key: string): string;
}

async function filesUnder(entry: string): Promise<string[]> {
  const full = path.join(ROOT, entry);
  const stat = await readdir(full, { withFileTypes: true }).catch(() => undefined);
  if (stat === undefined) return [entry];
  const nested = await Promise.all(stat.filter((d) => !d.name.startsWith('.')).map((d) => filesUnder(path.join(entry, d.name))));
  return nested.flat();
}

/** A digest of everything synthesis reads, so a cached result is used only for the same sources. */
async function sourceKey(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await Promise.all(SOURCES.map(filesUnder))).flat().sort();
  for (const file of files) {
    hash.update(file);
    hash.update(await readFile(path.join(ROOT, file)));
  }
  return hash.digest('hex').slice(0, 24);
}

/**
 * Runs the backend's CDK app in process into `outdir`, with cdk.json's context as the CLI would
 * add it. Without bundling the handlers are not built (a quick synthesis for the template alone).
 */
async function synthesize(outdir: string, context: BackendContext, bundle: boolean): Promise<Template> {
  const cdkJson = JSON.parse(await readFile(path.join(BACKEND, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const app = new App({
    outdir,
    context: { ...cdkJson.context, ...context, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const stack = defineBackendApp(app);
  const assembly = app.synth();
  return JSON.parse(await readFile(path.join(assembly.directory, stack.templateFile), 'utf8')) as Template;
}

/** Synthesizes into a scratch directory of the cache and moves the result in place; a concurrent twin's result wins. */
async function synthesizeInto(destination: string, run: (outdir: string) => Promise<void>): Promise<void> {
  const scratch = path.join(CACHE, `scratch-${randomBytes(6).toString('hex')}`);
  try {
    await run(scratch);
    await rename(scratch, destination).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(destination)) throw error;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A synthesis that has held its lock this long died with it; another process takes over. */
const STALE_LOCK_MS = 10 * 60_000;

/**
 * Runs `produce` unless `destination` exists, one process at a time: test files run in parallel
 * workers, and bundling twice at once would only double the wait on a busy machine.
 */
async function once(destination: string, produce: () => Promise<void>): Promise<void> {
  const lock = `${destination}.lock`;
  for (;;) {
    if (existsSync(destination)) return;
    try {
      await mkdir(lock);
    } catch {
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (!existsSync(destination)) await produce();
      return;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

const DEFAULT_CONTEXT: BackendContext = { PcaCaId: '', PcaValidityInDays: '7', PcaSigningAlgorithm: 'SHA256WITHRSA' };

type Code = Record<string, unknown> & { S3Key?: unknown };
const functionCode = (template: Template): Map<string, string> =>
  new Map(
    Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => [id, String((r.Properties?.['Code'] as Code | undefined)?.S3Key ?? '')]),
  );

/**
 * The backend stack's template for `context`, as `cdk synth` produces it, and the bundled code of
 * its functions. Bundling the handlers is the slow part and depends only on the kind of issuer, so
 * it runs once per kind and change of the sources (cached under node_modules/.cache); a template
 * for another context is synthesized without bundling and its functions take the bundles of the
 * same logical ids. Scratch output is removed, so no cdk.out folder is left behind.
 */
export async function synthesizeBackend(context: BackendContext = DEFAULT_CONTEXT): Promise<SynthesizedBackend> {
  await mkdir(CACHE, { recursive: true });
  const key = await sourceKey();
  // The create function bundles the Private CA client only for a Private CA issuer, so each kind
  // of issuer has bundles of its own; within a kind the code does not depend on the context.
  const issuerKind = context.PcaCaId.trim() === '' ? 'iot' : 'pca';
  const bundled = path.join(CACHE, `bundle-${key}-${issuerKind}`);
  await once(bundled, async () => {
    await synthesizeInto(bundled, async (outdir) => {
      const template = await synthesize(outdir, context, true);
      await writeFile(path.join(outdir, 'stand-in-template.json'), JSON.stringify(template));
    });
    await pruneOtherSources(key);
  });
  const bundledTemplate = JSON.parse(await readFile(path.join(bundled, 'stand-in-template.json'), 'utf8')) as Template;
  const contextKey = createHash('sha256').update(JSON.stringify(context)).digest('hex').slice(0, 16);
  const templateFile = path.join(CACHE, `template-${key}-${contextKey}.json`);
  await once(templateFile, () =>
    synthesizeInto(templateFile, async (outdir) => {
      const template = await synthesize(outdir, context, false);
      await rm(outdir, { recursive: true, force: true });
      await writeFile(outdir, JSON.stringify(template));
    }),
  );
  const template = JSON.parse(await readFile(templateFile, 'utf8')) as Template;
  const bundledKeys = functionCode(bundledTemplate);
  const directoryOfKey = new Map<string, string>();
  for (const [logicalId, s3Key] of functionCode(template)) {
    const bundledKey = bundledKeys.get(logicalId);
    if (bundledKey === undefined)
      throw new Error(`function ${logicalId} exists only with context ${JSON.stringify(context)}; the bundles do not cover it`);
    directoryOfKey.set(s3Key, path.join(bundled, `asset.${bundledKey.replace(/\.zip$/, '')}`));
  }
  return {
    stackName: DEFAULT_NAME_PREFIX,
    template,
    code: (_bucket, s3Key) => {
      const directory = directoryOfKey.get(s3Key);
      if (directory === undefined || !existsSync(directory)) throw new Error(`no synthesized asset for ${s3Key}`);
      return directory;
    },
  };
}

/** Keeps the cache to the current sources, and drops the scratch output of syntheses that died. */
async function pruneOtherSources(key: string): Promise<void> {
  for (const entry of await readdir(CACHE)) {
    const full = path.join(CACHE, entry);
    const stale =
      entry.startsWith('scratch-') && Date.now() - ((await stat(full).catch(() => undefined))?.mtimeMs ?? Date.now()) > STALE_LOCK_MS;
    const outdated = (entry.startsWith('bundle-') || entry.startsWith('template-')) && !entry.includes(key) && !entry.endsWith('.lock');
    if (stale || outdated) await rm(full, { recursive: true, force: true });
  }
}
