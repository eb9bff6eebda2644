import { describe, expect, it } from 'vitest';
import { choiceFlag, numberFlag, readCommandLine, secondsFlag, type Flags } from './command-line.js';

const FLAGS: Flags = {
  count: { type: 'string', default: '1', accepts: 'a whole number' },
  name: { type: 'string', accepts: 'a name' },
  tag: { type: 'string', multiple: true },
  verbose: { type: 'boolean', default: false },
};

describe('readCommandLine', () => {
  it('reads values, defaults and repeated flags', () => {
    expect(readCommandLine(['--name', 'a', '--tag', 'x', '--tag=y', '--verbose'], FLAGS)).toEqual({
      values: { name: 'a', tag: ['x', 'y'], verbose: true, count: '1' },
      positionals: [],
    });
  });

  it('takes a negative number as the value of a flag, as a separate word or after =', () => {
    expect(readCommandLine(['--count', '-3'], FLAGS).values.count).toBe('-3');
    expect(readCommandLine(['--count', '-.5'], FLAGS).values.count).toBe('-.5');
    expect(readCommandLine(['--count=-3'], FLAGS).values.count).toBe('-3');
  });

  it('keeps arguments, also after --, when the command takes them', () => {
    expect(readCommandLine(['a', '--verbose', '--', '--b'], FLAGS, { positionals: true }).positionals).toEqual(['a', '--b']);
  });

  it.each([
    [['--count'], '--count needs a value: a whole number'],
    [['--name', '--verbose'], '--name needs a value: a name'],
    [['--tag'], '--tag needs a value'],
    [['--verbose=no'], '--verbose takes no value (got "no")'],
    [['--name', 'a', '--name', 'b'], '--name is given more than once'],
    [['--colour'], 'unknown option --colour'],
    [['-v'], 'unknown option -v'],
    [['--constructor'], 'unknown option --constructor'],
    [['loose'], 'unexpected argument "loose"'],
    [['--old'], '--old is no longer an option: use --name'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => readCommandLine(argv, FLAGS, { retired: { old: 'use --name' } })).toThrow(
      expect.objectContaining({ name: 'UsageError', message }),
    );
  });
});

describe('flag value checks', () => {
  it('numbers: range, whole numbers, and what was given', () => {
    const devices = numberFlag('--devices', 1, 10, { whole: true });
    expect(devices.parse('7')).toBe(7);
    for (const bad of ['0', '11', '2.5', '', ' ', 'x', 'Infinity', '-1']) {
      expect(devices.safeParse(bad).error?.issues[0]?.message).toBe(
        `--devices must be a whole number from 1 to 10 (got ${JSON.stringify(bad)})`,
      );
    }
    expect(numberFlag('--scale', 1, 60).parse('1.5')).toBe(1.5);
  });

  it('seconds: more than 0, as milliseconds', () => {
    expect(secondsFlag('--timeout', 60).parse('0.25')).toBe(250);
    expect(secondsFlag('--timeout', 60).safeParse('0').error?.issues[0]?.message).toBe(
      '--timeout must be a number of seconds more than 0 and at most 60 (got "0")',
    );
  });

  it('choices: one of the words', () => {
    const issuer = choiceFlag('--issuer', ['iot', 'pca']);
    expect(issuer.parse('pca')).toBe('pca');
    expect(issuer.safeParse('acm').error?.issues[0]?.message).toBe('--issuer must be iot or pca (got "acm")');
  });
});
