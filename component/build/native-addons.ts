import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Metafile, Plugin } from 'esbuild';

/**
 * Native addons cannot live inside a JavaScript bundle. They ship in the artifact as
 * `native/<platform>-<arch>-<c runtime>/<file>.node` next to the bundle, and the modules that
 * load them are replaced by loaders that look there (`__dirname` is the bundle's directory).
 */
export const NATIVE_DIR = 'native';

/** Platforms the artifact supports, named as aws-crt names its prebuilt directories. */
export const AWS_CRT_PLATFORMS = ['linux-x64-glibc', 'linux-arm64-glibc', 'win32-x64-cruntime'] as const;
export const AWS_CRT_BINARY = 'aws-crt-nodejs.node';

/** pkcs11js compiles at install time, so only this machine's build exists. */
export const PKCS11_PLATFORMS = ['linux-x64-glibc'] as const;
export const PKCS11_BINARY = 'pkcs11.node';

export interface NativeFile {
  source: string;
  /** Path inside the zip, with forward slashes. */
  entry: string;
}

/**
 * The same directory name aws-crt computes (platform, arch, and glibc or musl from
 * `ldd --version`), so a loader and the shipped tree agree.
 */
const PLATFORM_DIR_SOURCE = `
function platformDirectory() {
  const os = require("os");
  let runtime = "cruntime";
  if (os.platform() === "linux") {
    const ldd = require("child_process").spawnSync("ldd", ["--version"], { encoding: "utf8" });
    runtime = String(ldd.stdout || "").concat(String(ldd.stderr || "")).includes("musl") ? "musl" : "glibc";
  }
  return { runtime, directory: os.platform() + "-" + os.arch() + "-" + runtime };
}
function loadShippedAddon(file, shipped, what, extraCandidates) {
  const path = require("path");
  const fs = require("fs");
  const { runtime, directory } = platformDirectory();
  const candidates = [path.join(__dirname, ${JSON.stringify(NATIVE_DIR)}, directory, file)].concat(extraCandidates);
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (found === undefined) {
    throw new Error(what + " for " + directory + " (this artifact ships it for " +
      shipped.join(", ") + "); looked for " + candidates.join(", "));
  }
  return { runtime, addon: require(found) };
}
`;

/** Stands in for aws-crt/dist/native/binding.js, keeping its exports (default, cRuntime, CRuntimeType). */
export function awsCrtBindingSource(): string {
  return `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
${PLATFORM_DIR_SOURCE}
// aws-crt's own override variable still works, as a fallback.
const override = process.env.AWS_CRT_NODEJS_BINARY_ABSOLUTE_PATH;
const loaded = loadShippedAddon(${JSON.stringify(AWS_CRT_BINARY)}, ${JSON.stringify(AWS_CRT_PLATFORMS)},
  "The AWS CRT native module is not available", override ? [override] : []);
exports.default = loaded.addon;
exports.cRuntime = loaded.runtime;
exports.CRuntimeType = Object.freeze({ NON_LINUX: "cruntime", MUSL: "musl", GLIBC: "glibc" });
`;
}

/** Stands in for pkcs11js's `require("./build/Release/pkcs11.node")`. */
export function pkcs11AddonSource(): string {
  return `"use strict";
${PLATFORM_DIR_SOURCE}
module.exports = loadShippedAddon(${JSON.stringify(PKCS11_BINARY)}, ${JSON.stringify(PKCS11_PLATFORMS)},
  "PKCS#11 support is not built into this artifact", []).addon;
`;
}

const AWS_CRT_BINDING = /[\\/]aws-crt[\\/]dist[\\/]native[\\/]binding\.js$/;
const PKCS11_ADDON = /^\.\/build\/Release\/pkcs11\.node$/;

/** esbuild plugin: swaps both loaders, and fails on any other native addon it would miss. */
export function nativeAddonsPlugin(): Plugin {
  return {
    name: 'native-addons',
    setup(build) {
      build.onLoad({ filter: AWS_CRT_BINDING }, (args) => ({
        contents: awsCrtBindingSource(),
        loader: 'js',
        resolveDir: path.dirname(args.path),
      }));
      build.onResolve({ filter: PKCS11_ADDON }, (args) => {
        if (!/[\\/]pkcs11js[\\/]?$/.test(args.resolveDir)) return undefined;
        return { path: path.join(args.resolveDir, 'build/Release/pkcs11.node'), namespace: 'pkcs11-addon' };
      });
      build.onLoad({ filter: /.*/, namespace: 'pkcs11-addon' }, () => ({ contents: pkcs11AddonSource(), loader: 'js' }));
      build.onResolve({ filter: /\.node$/ }, (args) => ({
        errors: [{ text: `Native addon ${args.path} (from ${args.importer}) has no loader in the component bundle` }],
      }));
    },
  };
}

/** Native binaries the bundle needs, decided from what esbuild actually bundled. */
export function nativeFilesFor(metafile: Metafile, nodeModules: string): NativeFile[] {
  const inputs = Object.keys(metafile.inputs);
  const files: NativeFile[] = [];
  if (inputs.some((input) => AWS_CRT_BINDING.test(input))) {
    for (const platform of AWS_CRT_PLATFORMS) {
      files.push({
        source: path.join(nodeModules, 'aws-crt', 'dist', 'bin', platform, AWS_CRT_BINARY),
        entry: `${NATIVE_DIR}/${platform}/${AWS_CRT_BINARY}`,
      });
    }
  }
  if (inputs.some((input) => input.startsWith('pkcs11-addon:'))) {
    for (const platform of PKCS11_PLATFORMS) {
      files.push({
        source: path.join(nodeModules, 'pkcs11js', 'build', 'Release', PKCS11_BINARY),
        entry: `${NATIVE_DIR}/${platform}/${PKCS11_BINARY}`,
      });
    }
  }
  const missing = files.filter((file) => !existsSync(file.source));
  if (missing.length > 0) {
    throw new Error(`Native binaries missing: ${missing.map((file) => file.source).join(', ')}`);
  }
  return files;
}
