import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Watches every file the module opens: the permissions a new file has right after it was
// created, before anything is written, show whether a key is ever exposed.
const opened = vi.hoisted(() => [] as { file: string; mode: number }[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>): Promise<FileHandle> => {
      const handle = await real.open(...args);
      opened.push({ file: String(args[0]), mode: (await handle.stat()).mode & 0o777 });
      return handle;
    },
  };
});

const { durableFiles, removeFileDurably, writeFileAtomic } = await import('./atomic-write.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'atomic-write-'));
  opened.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (file: string) => statSync(file).mode & 0o777;

describe('writeFileAtomic', () => {
  it('creates a file with the exact mode whatever the umask', async () => {
    const previous = process.umask(0o077);
    try {
      await writeFileAtomic(path.join(dir, 'cert.pem'), 'certificate', { mode: 0o644 });
    } finally {
      process.umask(previous);
    }
    expect(readFileSync(path.join(dir, 'cert.pem'), 'utf8')).toBe('certificate');
    expect(mode(path.join(dir, 'cert.pem'))).toBe(0o644);
  });

  it('never lets a key file exist with wider permissions, even under umask 0', async () => {
    const previous = process.umask(0);
    try {
      await writeFileAtomic(path.join(dir, 'key.pem'), 'secret', { mode: 0o600 });
    } finally {
      process.umask(previous);
    }
    const temporary = opened.find((o) => o.file.endsWith('.tmp'));
    expect(temporary?.file).toMatch(new RegExp(`^${dir}/\\.key\\.pem\\.[0-9a-f]{12}\\.tmp$`));
    expect(temporary?.mode).toBe(0o600);
    expect(mode(path.join(dir, 'key.pem'))).toBe(0o600);
  });

  it('replaces an existing file by rename and leaves no temporary file', async () => {
    const target = path.join(dir, 'key.pem');
    writeFileSync(target, 'old key', { mode: 0o644 });
    const before = statSync(target).ino;
    await writeFileAtomic(target, Buffer.from('new key'), { mode: 0o600 });
    expect(readFileSync(target, 'utf8')).toBe('new key');
    expect(statSync(target).ino).not.toBe(before);
    expect(mode(target)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['key.pem']);
    // The directory was opened to fsync the rename.
    expect(opened.map((o) => o.file)).toContain(dir);
  });

  it('leaves the target untouched and cleans up when the rename fails', async () => {
    const target = path.join(dir, 'busy');
    mkdirSync(target);
    writeFileSync(path.join(target, 'inside'), 'x');
    await expect(writeFileAtomic(target, 'data', { mode: 0o600 })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['busy']);
    expect(readFileSync(path.join(target, 'inside'), 'utf8')).toBe('x');
  });

  it('fails without creating anything when the directory does not exist', async () => {
    await expect(writeFileAtomic(path.join(dir, 'missing', 'file'), 'data', { mode: 0o600 })).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('removeFileDurably', () => {
  it('removes a file and accepts one that is already gone', async () => {
    const file = path.join(dir, 'backup');
    writeFileSync(file, 'x');
    await removeFileDurably(file);
    expect(existsSync(file)).toBe(false);
    await expect(removeFileDurably(file)).resolves.toBeUndefined();
  });

  it('reports other failures', async () => {
    mkdirSync(path.join(dir, 'directory'));
    await expect(removeFileDurably(path.join(dir, 'directory'))).rejects.toThrow(/EISDIR|EPERM/);
  });
});

describe('durableFiles', () => {
  it('reads, writes, tells existence and removes', async () => {
    const file = path.join(dir, 'f');
    expect(await durableFiles.exists(file)).toBe(false);
    await durableFiles.writeAtomic(file, 'abc', 0o600);
    expect(await durableFiles.exists(file)).toBe(true);
    expect((await durableFiles.read(file)).toString()).toBe('abc');
    await durableFiles.remove(file);
    expect(await durableFiles.exists(file)).toBe(false);
  });
});
