import { fileURLToPath } from 'node:url';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { build, type BuildOptions, type BuildResult } from 'esbuild';
import { literalSchemaKeys } from './literal-schema-keys.js';
import { sdkPackageVersion } from './sdk-package-version.js';

/** The Lambda handlers this construct deploys. */
export type HandlerName =
  'create-certificate' | 'commit-certificate' | 'job-execution-terminal' | 'job-execution-events' | 'rotation-scheduler';

/** Latest Node.js runtime this aws-cdk-lib knows; cdk-nag AwsSolutions-L1 asks for it. */
export const HANDLER_RUNTIME = Runtime.NODEJS_24_X;

/**
 * Each handler's entry module under backend/src/handlers. The thin Lambda entries carry a
 * `-lambda` suffix so they are not mistaken for the rotation logic of the same name in
 * backend/src/rotation and backend/src/scheduler.
 */
export const HANDLER_ENTRY_FILES: Readonly<Record<HandlerName, string>> = {
  'create-certificate': 'handlers/create-certificate-lambda.ts',
  'commit-certificate': 'handlers/commit-certificate-lambda.ts',
  'job-execution-terminal': 'handlers/job-execution-terminal-lambda.ts',
  'job-execution-events': 'handlers/job-execution-events.ts',
  'rotation-scheduler': 'handlers/rotation-scheduler-lambda.ts',
};

/**
 * create-certificate for a backend that issues with AWS IoT Core: the same handler without the AWS
 * Private CA client, which esbuild cannot leave out of a one-file bundle that might select it.
 */
export const IOT_CORE_CREATE_ENTRY_FILE = 'handlers/create-certificate-iot-core-lambda.ts';

/**
 * Absolute path of a handler's TypeScript entry point. Given the backend's issuer, create-certificate
 * is the entry for that issuer; without it, the entry that knows every issuer.
 */
export function handlerEntry(name: HandlerName, issuer?: 'iot' | 'pca'): string {
  const file = name === 'create-certificate' && issuer === 'iot' ? IOT_CORE_CREATE_ENTRY_FILE : HANDLER_ENTRY_FILES[name];
  return fileURLToPath(new URL(`../src/${file}`, import.meta.url));
}

/**
 * The repository root: its package-lock.json pins every bundled dependency, and esbuild
 * resolves imports from its node_modules.
 */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Parts of the AWS SDK that the bundled SDK reaches only through a dynamic `import()`, on paths a
 * handler never takes on Lambda, left to the copy of the SDK v3 that the Lambda Node.js runtime
 * ships. Bundled, they were 100 KB of every handler (190 KB of those with the jobs data-plane
 * client, which brings its own copy of them):
 * - the default credential chain's links after the environment: SSO, shared config files, a
 *   credential process, a web identity token file (with the nested STS, SSO and sign-in clients
 *   they use), and the container and EC2 instance-metadata links (@aws-sdk/credential-provider-http,
 *   @smithy/credential-provider-imds, which the defaults mode "auto" would also use to find the
 *   region; the clients are given their region and keep the default "legacy" mode). Lambda gives
 *   a function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 *   AWS_SESSION_TOKEN, which the chain's first link (bundled) reads, so the chain stops there.
 * - the event stream serde: none of the operations the handlers call has an event stream.
 * handler-bundles.test.ts checks that nothing else is left out and that the bundle imports these
 * only dynamically, so loading a handler never needs them.
 */
export const RUNTIME_ONLY_SDK_MODULES: readonly string[] = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
  '@smithy/core/event-streams',
];

/**
 * esbuild settings of a handler's bundle, one ES module file.
 *
 * - The AWS SDK v3 is bundled rather than taken from the runtime: the deployed code then runs
 *   exactly the SDK version that package-lock.json pins and the tests ran against. Only the
 *   RUNTIME_ONLY_SDK_MODULES, which a handler never loads on Lambda, are left out.
 * - The SDK's schema files are bundled with literal keys (literal-schema-keys.ts), so that only
 *   the shapes of the operations a handler calls remain, and its package.json files as the
 *   version the User-Agent header takes from them (sdk-package-version.ts).
 * - ES module output, because the handlers are ES modules (top-level await is allowed). Some
 *   bundled CommonJS dependencies call `require` for Node built-ins, which an ES module lacks;
 *   the banner provides one.
 * - `module` before `main`: the SDK's ES modules tree-shake, its CommonJS files do not.
 * - Target node22: the bundle stays valid if the runtime is ever lowered to Node.js 22.
 */
export function handlerBuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: false,
    external: [...RUNTIME_ONLY_SDK_MODULES],
    plugins: [literalSchemaKeys, sdkPackageVersion],
    banner: {
      js: "import{createRequire as __rotatorCreateRequire}from'node:module';const require=__rotatorCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  };
}

/** Bundles the handler at `entry` into `outfile`, with its metafile (what went in, and how large). */
export function buildHandler(
  entry: string,
  outfile: string,
  options: Pick<BuildOptions, 'write'> = {},
): Promise<BuildResult<{ metafile: true }>> {
  return build({ ...handlerBuildOptions(entry, outfile), ...options, metafile: true });
}
