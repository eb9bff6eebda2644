import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Production code (backend/src, component/src) runs against AWS and Greengrass, never against the
 * local stand-in: it must not know the stand-in exists or reach for a loopback address, whatever a
 * test would find convenient. Comments may explain; code may not refer.
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PRODUCTION = ['backend/src', 'component/src'];
const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/stand[- ]?in/i, 'the stand-in'],
  [/localhost/i, 'localhost'],
  [/127\.\d+\.\d+\.\d+/, 'a loopback address'],
  [/\[?::1\]?(?![\w:])/, 'the IPv6 loopback address'],
  [/\bhttp:\/\//i, 'plain http://'],
];

/** Test code and test helpers are not production modules. */
const isProductionModule = (file: string): boolean =>
  file.endsWith('.ts') && !/\.(test|fixtures|world)\.ts$/.test(file) && !file.split(path.sep).includes('testing');

function modulesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return modulesUnder(relative);
    return isProductionModule(relative) ? [relative] : [];
  });
}

/** The module's code with every comment left out, as the TypeScript printer writes it. */
export function codeWithoutComments(source: string): string {
  const file = ts.createSourceFile('module.ts', source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return ts.createPrinter({ removeComments: true }).printFile(file);
}

export function referencesInCode(source: string): string[] {
  const code = codeWithoutComments(source);
  return FORBIDDEN.filter(([pattern]) => pattern.test(code)).map(([, what]) => what);
}

describe('production code', () => {
  const modules = PRODUCTION.flatMap(modulesUnder);

  it('finds the production modules', () => {
    expect(modules).toContain(path.join('backend', 'src', 'aws', 'clients.ts'));
    expect(modules).toContain(path.join('component', 'src', 'transport', 'ipc-client.ts'));
    expect(modules.some((m) => m.endsWith('.test.ts'))).toBe(false);
  });

  it('refers to neither the stand-in nor a loopback address in its code', () => {
    const offenders = modules
      .map((module) => ({ module, refers: referencesInCode(readFileSync(path.join(ROOT, module), 'utf8')) }))
      .filter((m) => m.refers.length > 0);
    expect(offenders).toEqual([]);
  });

  it('would notice such a reference in code, and not one in a comment', () => {
    expect(referencesInCode("const url = address.includes('://') ? address : `https://${address}`; // a stand-in answers a URL")).toEqual(
      [],
    );
    expect(referencesInCode("/* runs against the stand-in */ const host = '127.0.0.1';")).toEqual(['a loopback address']);
    expect(referencesInCode("const hint = 'started by Greengrass (or a nucleus stand-in)';")).toEqual(['the stand-in']);
    expect(referencesInCode("fetch('http://localhost:4566')")).toEqual(['localhost', 'plain http://']);
  });
});
