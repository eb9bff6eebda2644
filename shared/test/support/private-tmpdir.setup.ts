/**
 * Every test file gets its own temporary directory (TMPDIR, which os.tmpdir() and the processes the
 * tests start read). When the file ends, what is still in it is a leak: the file fails, naming it,
 * and the directory is removed either way. What tools leave there by design (CDK's assemblies,
 * tsx's cache) is removed without complaint.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { temporaryLeftovers } from './leftovers.js';

const outer = process.env.TMPDIR;
const directory = mkdtempSync(path.join(os.tmpdir(), 'rotator-test-'));
process.env.TMPDIR = directory;
// Vitest runs no hooks in a file whose tests are all skipped; the directory still goes when the worker ends.
process.once('exit', () => rmSync(directory, { recursive: true, force: true }));

afterAll(() => {
  if (outer === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = outer;
  const left = temporaryLeftovers(directory);
  rmSync(directory, { recursive: true, force: true });
  if (left.length > 0)
    throw new Error(`This test file left ${left.join(', ')} in the temporary directory; remove what a test makes when it ends`);
});
