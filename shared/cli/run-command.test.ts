import { describe, expect, it } from 'vitest';
import { UsageError } from './command-line.js';
import { runCommand, type Command } from './run-command.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) > 0 } }, out, err };
}

const command = (run: () => Promise<number>): Command<{ n: number }> => ({
  name: 'example',
  usage: 'Usage: npm run example -- [--n N]\n',
  parse: (argv) => {
    if (argv.includes('--help')) return { help: true };
    if (argv.includes('--bad')) throw new UsageError('--bad is not an option of this example');
    return { help: false, options: { n: 1 } };
  },
  run,
});

describe('runCommand', () => {
  it('a bad command line: one line naming the flag, a pointer to --help, exit 2, nothing on stdout', async () => {
    const { io, out, err } = capture();
    expect(
      await runCommand(
        ['--bad'],
        io,
        command(async () => 0),
      ),
    ).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toBe('example: --bad is not an option of this example\nRun "npm run example -- --help" for the options.\n');
  });

  it('--help: the usage on stdout, exit 0', async () => {
    const { io, out } = capture();
    expect(
      await runCommand(
        ['--help'],
        io,
        command(async () => 1),
      ),
    ).toBe(0);
    expect(out.join('')).toBe('Usage: npm run example -- [--n N]\n');
  });

  it("the work's exit code, and 1 with one line when it fails", async () => {
    expect(
      await runCommand(
        [],
        capture().io,
        command(async () => 0),
      ),
    ).toBe(0);
    const { io, err } = capture();
    expect(
      await runCommand(
        [],
        io,
        command(() => Promise.reject(new Error('no such thing group'))),
      ),
    ).toBe(1);
    expect(err.join('')).toBe('example: no such thing group\n');
  });
});
