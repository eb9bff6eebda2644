import { describe, expect, it } from 'vitest';
import { CpuGate } from './shared-cpu.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('CpuGate', () => {
  it('runs at most its slots at once, the others in arrival order', async () => {
    const gate = new CpuGate(2);
    const started: number[] = [];
    const work = [deferred(), deferred(), deferred(), deferred()];
    const runs = work.map((w, i) =>
      gate.run(async () => {
        started.push(i);
        await w.promise;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    work[1]?.resolve();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    for (const w of work) w.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('frees the slot when the work fails', async () => {
    const gate = new CpuGate(1);
    await expect(gate.run(() => Promise.reject(new Error('token refused')))).rejects.toThrow('token refused');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses a gate without slots', () => {
    expect(() => new CpuGate(0)).toThrow('CPU gate slots must be a whole number >= 1, got 0');
  });
});
