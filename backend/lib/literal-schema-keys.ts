import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/**
 * The AWS SDK's generated schema files (`dist-es/schemas/schemas_0.js`, every shape of a service)
 * write trait objects with computed keys, `{ [_h]: ["POST", "/x", 200] }` with `const _h = "http"`.
 * esbuild must assume a computed key may run code, so it keeps every shape, used or not: about
 * 110 KB of @aws-sdk/client-iot in each handler (aws/aws-sdk-js-v3#7607; the generator's fix is
 * smithy-lang/smithy-typescript#1889). This plugin writes those keys as the string literals they
 * are, which is what that fix generates, so that esbuild drops the shapes no command refers to.
 * A key whose constant is not a string literal of the same file is left as it is.
 */
export function withLiteralKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\]|\\.)*");$/gm)) {
    if (name !== undefined && literal !== undefined) strings.set(name, literal);
  }
  return source.replace(/\[(_\w+)\]:/g, (key: string, name: string) => {
    const literal = strings.get(name);
    return literal === undefined ? key : `${literal}:`;
  });
}

/** The SDK's schema files, which {@link withLiteralKeys} rewrites as they are bundled. */
export const SDK_SCHEMA_FILE = /[\\/]@aws-sdk[\\/].*[\\/]schemas[\\/]schemas_\d+\.js$/;

/** esbuild plugin applying {@link withLiteralKeys} to the SDK's schema files. */
export const literalSchemaKeys: Plugin = {
  name: 'literal-schema-keys',
  setup(build) {
    build.onLoad({ filter: SDK_SCHEMA_FILE }, async (args) => ({
      contents: withLiteralKeys(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};
