import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/**
 * An AWS SDK package's own package.json, which its runtimeConfig imports whole
 * (`import packageInfo from "../package.json"`) to put `packageInfo.version` in the User-Agent
 * header. The rest of it (scripts, dependencies, exports map) is 2 KB in every bundle for each
 * client; sdk-package-version.test.ts checks that the SDK reads nothing else of it.
 */
export const SDK_PACKAGE_JSON = /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/;

/** esbuild plugin bundling an SDK package's package.json as its version alone. */
export const sdkPackageVersion: Plugin = {
  name: 'sdk-package-version',
  setup(build) {
    build.onLoad({ filter: SDK_PACKAGE_JSON }, async (args) => {
      const { version } = JSON.parse(await readFile(args.path, 'utf8')) as { version: string };
      return { contents: JSON.stringify({ version }), loader: 'json' };
    });
  },
};
