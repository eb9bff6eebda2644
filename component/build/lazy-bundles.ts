import path from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * Modules that not every component process needs, each bundled on its own beside `main.cjs` and
 * loaded by the `await import(...)` that asks for it. Left in `main.cjs`, an idle component would
 * hold their source (V8 keeps a script's whole source) and parse it at every start, though most
 * devices rotate once a year. A module that a lazy bundle and `main.cjs` both import is copied
 * into each, so a class both use is two classes: `instanceof` across the two fails unless the
 * class recognises its other copy (CertificateRefusedError does).
 */
export interface LazyBundle {
  /** The module, relative to the project root. */
  source: string;
  /** Its bundle's file name, beside main.cjs. */
  bundle: string;
}

export const LAZY_BUNDLES: readonly LazyBundle[] = [
  // Key pair and CSR generation, with @peculiar/x509, its ASN.1 schemas and reflect-metadata.
  { source: 'component/src/crypto/csr.ts', bundle: 'csr.cjs' },
  // The PKCS#11 store with graphene-pk11 and pkcs11js: a file-store device never loads it (a
  // PKCS#11 device loads it at start-up, whose checks read the token).
  { source: 'component/src/credentials/pkcs11/index.ts', bundle: 'pkcs11.cjs' },
];

/** esbuild plugin: a dynamic import of a lazy bundle's module becomes a `require` of its bundle, at run time. */
export function lazyBundlesPlugin(projectRoot: string): Plugin {
  const byModule = new Map(LAZY_BUNDLES.map((lazy) => [path.join(projectRoot, lazy.source).replace(/\.ts$/, ''), lazy.bundle]));
  return {
    name: 'lazy-bundles',
    setup(build) {
      build.onResolve({ filter: /\.js$/ }, (args) => {
        const bundle = byModule.get(path.join(args.resolveDir, args.path).replace(/\.js$/, ''));
        if (bundle === undefined) return undefined;
        if (args.kind !== 'dynamic-import') {
          return {
            errors: [{ text: `${args.path} is bundled on its own (${bundle}); ${args.importer} must load it with await import()` }],
          };
        }
        return { path: `./${bundle}`, external: true };
      });
    },
  };
}
