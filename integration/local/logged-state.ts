import { open } from 'node:fs/promises';

/** The last state the rotator logged it entered (process cores log through Greengrass). */
export async function loggedState(logPath: string): Promise<string> {
  let text = '';
  try {
    const handle = await open(logPath, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      text = buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return 'unknown';
  }
  const matches = [...text.matchAll(/"message":"(?:State changed|Starting the rotator)"[^\n]*/g)];
  const last = matches.at(-1)?.[0] ?? '';
  if (last.includes('Starting the rotator')) return 'Starting';
  return /"to":"(\w+)"/.exec(last)?.[1] ?? 'unknown';
}
