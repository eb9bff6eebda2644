import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { PROJECT_ROOT } from './handler-bundling.js';

/** The file each bundle is written to; the function's handler is its `handler` export. */
export const BUNDLE_FILE = 'index.mjs';
export const LAMBDA_HANDLER = 'index.handler';

const BUILD_SCRIPT = fileURLToPath(new URL('./build-handler-main.ts', import.meta.url));

/**
 * Runs esbuild on one handler. CDK tells assets apart by their settings serialized, functions
 * left out, so the entry is a field: a bundler that kept it only in a closure would look the
 * same for every handler, and every function would get the first one's bundle.
 */
class HandlerBundler implements ILocalBundling {
  constructor(readonly entry: string) {}

  tryBundle(outputDir: string): boolean {
    const outfile = path.join(outputDir, BUNDLE_FILE);
    const run = spawnSync(process.execPath, ['--import', 'tsx', BUILD_SCRIPT, this.entry, outfile], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (run.status !== 0) {
      throw new Error(
        `Bundling ${path.relative(PROJECT_ROOT, this.entry)} failed (${run.error?.message ?? `exit status ${String(run.status)}`})`,
      );
    }
    return true;
  }
}

/**
 * A handler's deployment package, bundled at synthesis by esbuild with handlerBuildOptions.
 *
 * - Local esbuild only (a dev dependency), so synthesis works offline and without Docker; the
 *   image the API asks for is never used, since a failed build fails the synthesis.
 * - The build runs in a Node.js process of its own (through tsx, as the CDK app runs): CDK calls
 *   the bundler synchronously, and an esbuild plugin (literal-schema-keys.ts) needs its asynchronous API.
 * - The asset is named by the hash of the bundle, so an unchanged bundle is not uploaded again.
 */
export function handlerCode(entry: string): Code {
  return Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: { image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'), local: new HandlerBundler(entry) },
  });
}
