import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/**
 * The AWS SDK's generated schema files (`dist-es/schemas/schemas_0.js`, every shape of a service)
 * write trait objects with computed keys, `{ [_h]: ["POST", "/x", 200] }` with `const _h = "http"`.
 * esbuild must assume a computed key may run code, so it keeps every shape, used or not: about
 * 110 KB of @aws-sdk/client-iot in each handler (aws/aws-sdk-js-v3#7607; the generator's fix is
 * smithy-lang/smithy-typescript#1889). This plugin writes those keys as the string literals they
 * are, which is what that fix generates, so the benchmark can show what the fix would save. The
 * deployed bundles do not use it: NodejsFunction runs the esbuild command line, which takes no plugins.
 */
export const literalSchemaKeys: Plugin = {
  name: 'literal-schema-keys',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/].*[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const strings = new Map<string, string>();
      for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\]|\\.)*");$/gm)) {
        if (name !== undefined && literal !== undefined) strings.set(name, literal);
      }
      const contents = source.replace(/\[(_\w+)\]:/g, (key: string, name: string) => {
        const literal = strings.get(name);
        return literal === undefined ? key : `${literal}:`;
      });
      return { contents, loader: 'js' };
    });
  },
};
