/**
 * Fails the run when tests leave files in the work tree: every untracked or ignored path that was
 * not there before the run is named, and the exit code is 1. The run's own reports (`--outputFile`)
 * are not leftovers.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { newEntries, untrackedPaths } from './leftovers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The report files a run writes, relative to the work tree. */
function reportFiles(outputFile: string | Record<string, string> | undefined): string[] {
  const files = outputFile === undefined ? [] : typeof outputFile === 'string' ? [outputFile] : Object.values(outputFile);
  return files.map((file) => path.relative(ROOT, path.resolve(ROOT, file)).split(path.sep).join('/'));
}

export default function setup(project: TestProject): () => void {
  const before = untrackedPaths(ROOT);
  const reports = reportFiles(project.config.outputFile);
  return () => {
    const left = newEntries(before, untrackedPaths(ROOT)).filter(
      (entry) => !reports.some((report) => report === entry || report.startsWith(entry)),
    );
    if (left.length === 0) return;
    process.stderr.write(
      `\nTests left files in the work tree (remove what a test makes when it ends):\n${left.map((p) => `  ${p}`).join('\n')}\n`,
    );
    process.exitCode = 1;
  };
}
