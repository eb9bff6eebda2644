import { randomBytes } from 'node:crypto';
import { access, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces `filePath` so that after a power cut it holds either the old or the new content,
 * never a mix: write a temporary file in the same directory, fsync it, rename it over the
 * target, then fsync the directory so the rename itself is durable.
 *
 * `mode` is given when the temporary file is created, so a key is never readable by others,
 * not even for a moment; it is then set exactly, since the umask may have narrowed it.
 */
export async function writeFileAtomic(filePath: string, data: string | Uint8Array, options: { mode: number }): Promise<void> {
  const directory = path.dirname(filePath);
  const temporary = path.join(directory, `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx' = O_CREAT | O_EXCL: never follows or reuses an existing file or symlink.
  const handle = await open(temporary, 'wx', options.mode);
  try {
    try {
      await handle.chmod(options.mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, filePath);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

/** Removes a file (a missing file is not an error) and makes the removal durable. */
export async function removeFileDurably(filePath: string): Promise<void> {
  try {
    await unlink(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await syncDirectory(path.dirname(filePath));
}

/** Flushes a directory's entries (renames, unlinks) to disk. Windows cannot open directories; NTFS journals them. */
export async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The file operations a credential store needs; injected so tests can cut the power between any two. */
export interface DurableFiles {
  read(filePath: string): Promise<Buffer>;
  exists(filePath: string): Promise<boolean>;
  writeAtomic(filePath: string, data: string | Uint8Array, mode: number): Promise<void>;
  remove(filePath: string): Promise<void>;
}

export const durableFiles: DurableFiles = Object.freeze({
  read: (filePath: string) => readFile(filePath),
  exists: (filePath: string) =>
    access(filePath).then(
      () => true,
      () => false,
    ),
  writeAtomic: (filePath: string, data: string | Uint8Array, mode: number) => writeFileAtomic(filePath, data, { mode }),
  remove: removeFileDurably,
});
