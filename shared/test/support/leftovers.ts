import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/**
 * What tools put in the temporary directory by design, not tests: aws-cdk-lib's App without an
 * `outdir` writes its cloud assembly to a fresh `cdk.outXXXXXX` on every synthesis and never removes
 * it (every template test makes some), and tsx keeps its compile cache in `tsx-<uid>` for the
 * commands a test runs.
 */
export const TOOL_LEFTOVERS: readonly RegExp[] = [/^cdk\.out[A-Za-z0-9]{6}$/, /^tsx-\d+$/];

/** What a test file left in its private temporary directory, apart from the tools' own. */
export function temporaryLeftovers(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => !TOOL_LEFTOVERS.some((pattern) => pattern.test(name)))
    .sort();
}

/**
 * Paths in the work tree that git does not track (untracked or ignored), node_modules aside,
 * one line each: `?? path` or `!! path`, a whole directory as `dir/` when all of it is new.
 */
export function untrackedPaths(root: string): string[] {
  const output = execFileSync(
    'git',
    ['status', '--porcelain', '--ignored', '--untracked-files=normal', '--', '.', ':(exclude)node_modules'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  return output
    .split('\n')
    .filter((line) => line.startsWith('?? ') || line.startsWith('!! '))
    .map((line) => line.slice(3))
    .sort();
}

/** Entries of `after` that were not in `before`. */
export function newEntries(before: readonly string[], after: readonly string[]): string[] {
  const known = new Set(before);
  return after.filter((entry) => !known.has(entry));
}
