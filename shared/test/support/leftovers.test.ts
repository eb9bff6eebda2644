import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { newEntries, temporaryLeftovers, untrackedPaths } from './leftovers.js';

let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe('leftover detection', () => {
  it('runs each test file in a temporary directory of its own', () => {
    expect(path.basename(os.tmpdir())).toMatch(/^rotator-test-/);
  });

  it("names what is left in a temporary directory, CDK's assemblies and tsx's cache aside", () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'leftovers-'));
    mkdirSync(path.join(scratch, 'cdk.outAb12Cd'));
    mkdirSync(path.join(scratch, 'tsx-0'));
    mkdirSync(path.join(scratch, 'rotator-e2e-x'));
    writeFileSync(path.join(scratch, 'stray.log'), '');
    expect(temporaryLeftovers(scratch)).toEqual(['rotator-e2e-x', 'stray.log']);
  });

  it('sees new untracked and ignored paths in a git work tree', () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'leftovers-'));
    execFileSync('git', ['init', '-q'], { cwd: scratch });
    writeFileSync(path.join(scratch, '.gitignore'), 'out/\n');
    const before = untrackedPaths(scratch);
    mkdirSync(path.join(scratch, 'out'));
    writeFileSync(path.join(scratch, 'out', 'a'), '');
    writeFileSync(path.join(scratch, 'b'), '');
    expect(newEntries(before, untrackedPaths(scratch))).toEqual(['b', 'out/']);
  });
});
