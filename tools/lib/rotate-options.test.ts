import { describe, expect, it } from 'vitest';
import { rotateMain } from './rotate.js';
import { ROTATE_FLAGS, ROTATE_USAGE, parseRotateArgs } from './rotate-options.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) > 0 } }, out, err };
}

describe('rotate command line', () => {
  it('--help describes every option', async () => {
    const { io, out } = capture();
    expect(await rotateMain(['--help'], io)).toBe(0);
    const help = out.join('');
    expect(help).toBe(ROTATE_USAGE);
    for (const flag of Object.keys(ROTATE_FLAGS)) {
      expect(help, flag).toMatch(new RegExp(`^  --${flag}( [A-Z][A-Z,.]*)?\\s{2,}\\S`, 'm'));
    }
  });

  it('applies the defaults', () => {
    expect(parseRotateArgs(['--thing-group', 'Fleet'])).toEqual({
      help: false,
      options: {
        target: { kind: 'thingGroup', name: 'Fleet' },
        templateId: 'AWSLabsCertificateRotator',
        timeoutMs: 3_600_000,
        pollIntervalMs: 5000,
        wait: true,
        json: false,
      },
    });
  });

  it('reads every option', () => {
    const parsed = parseRotateArgs([
      '--things',
      'core-1, core-2',
      '--job-id',
      'my_job-1',
      '--template-id',
      'Other',
      '--timeout',
      '90',
      '--poll-interval',
      '0.5',
      '--no-wait',
      '--json',
      '--region',
      'eu-west-1',
      '--endpoint',
      'http://127.0.0.1:9000',
    ]);
    expect(parsed).toEqual({
      help: false,
      options: {
        target: { kind: 'things', names: ['core-1', 'core-2'] },
        jobId: 'my_job-1',
        templateId: 'Other',
        timeoutMs: 90_000,
        pollIntervalMs: 500,
        wait: false,
        json: true,
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:9000',
      },
    });
  });

  it.each([
    [[], 'give exactly one target: --thing-group NAME or --things A,B,C'],
    [['--thing-group', 'G', '--things', 'a'], 'give exactly one target'],
    [['--things', ' , '], '--things needs at least one thing name'],
    [['--things', 'a,a'], '--things lists a thing twice'],
    [['--things', 'a b'], '--things must be thing names'],
    [['--thing-group', 'my group'], '--thing-group must be a thing group name'],
    [['--thing-group', 'G', '--job-id', 'job/1'], '--job-id must be 1-64 letters'],
    [['--thing-group', 'G', '--timeout', 'soon'], '--timeout must be a number of seconds more than 0 and at most 604800 (got "soon")'],
    [['--thing-group', 'G', '--timeout', '0'], '--timeout must be a number of seconds more than 0'],
    [['--thing-group', 'G', '--timeout', '-5'], '--timeout must be a number of seconds more than 0 and at most 604800 (got "-5")'],
    [['--thing-group', 'G', '--poll-interval=-1'], '--poll-interval must be a number of seconds more than 0'],
    [['--thing-group', 'G', '--timeout'], '--timeout needs a value: a number of seconds more than 0'],
    [['--thing-group', '--json'], '--thing-group needs a value: a thing group name'],
    [['--thing-group', 'G', '--json=true'], '--json takes no value'],
    [['--thing-group', 'G', '--region', 'Ireland'], '--region must be an AWS region'],
    [['--thing-group', 'G', '--endpoint', 'localhost:4566'], '--endpoint must be an http(s) URL'],
    [['--thing-group', 'G', '--verbose'], 'unknown option --verbose'],
    [['--thing-group', 'G', 'extra'], 'unexpected argument "extra"'],
  ])('rejects %j with a message naming the flag', async (argv, message) => {
    const { io, err, out } = capture();
    expect(await rotateMain(argv, io)).toBe(2);
    const [first, pointer, ...rest] = err.join('').trimEnd().split('\n');
    expect(first).toMatch(/^rotate: /);
    expect(first).toContain(message);
    expect(pointer).toBe('Run "npm run rotate -- --help" for the options.');
    expect(rest).toEqual([]);
    expect(out).toEqual([]);
  });
});
