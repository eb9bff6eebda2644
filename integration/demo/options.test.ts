import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MINUTE_SCALE, DEMO_FLAGS, DEMO_USAGE, parseDemoOptions } from './options.js';

describe('demo options', () => {
  it('defaults: 10 process-mode cores, real component timers, AWS minutes 2x faster', () => {
    expect(parseDemoOptions([])).toEqual({
      devices: 10,
      keyAlgorithm: 'RSA-2048',
      signingAlgorithm: 'SHA256WITHRSA',
      issuer: 'iot',
      nucleus: 'process',
      minuteScale: DEFAULT_MINUTE_SCALE,
      componentTimerScale: 1,
      hsm: false,
      attacker: false,
      keep: false,
      json: false,
      help: false,
    });
  });

  it('never shortens the component timers unless the experiment flag asks, whatever the fleet size', () => {
    for (const argv of [['--devices', '200'], ['--hsm'], ['--issuer', 'pca'], ['--devices', '5000', '--minute-scale', '60']]) {
      expect(parseDemoOptions(argv).componentTimerScale, argv.join(' ')).toBe(1);
    }
    expect(parseDemoOptions(['--devices', '50', '--experimental-timer-scale', '3'])).toMatchObject({
      nucleus: 'inline',
      componentTimerScale: 3,
    });
  });

  it('signs with SHA-256 of the key family unless told otherwise', () => {
    expect(parseDemoOptions(['--key-algorithm', 'ECDSA-P384']).signingAlgorithm).toBe('ECDSA-WITH-SHA256');
    expect(parseDemoOptions(['--key-algorithm', 'RSA-3072', '--signing-algorithm', 'SHA384WITHRSA']).signingAlgorithm).toBe(
      'SHA384WITHRSA',
    );
  });

  it('--help describes every flag', () => {
    for (const flag of Object.keys(DEMO_FLAGS)) expect(DEMO_USAGE, flag).toMatch(new RegExp(`^  --${flag}\\b`, 'm'));
  });

  it.each([
    [['--devices', '-3'], '--devices must be a whole number from 1 to 5000 (got "-3")'],
    [['--devices', 'abc'], '--devices must be a whole number from 1 to 5000 (got "abc")'],
    [['--devices', '2.5'], '--devices must be a whole number from 1 to 5000 (got "2.5")'],
    [['--devices'], '--devices needs a value: a whole number from 1 to 5000'],
    [['--devices', '--json'], '--devices needs a value: a whole number from 1 to 5000'],
    [['--devices', '3', '--devices', '4'], '--devices is given more than once'],
    [['--minute-scale', '-1'], '--minute-scale must be a number from 1 to 60 (got "-1")'],
    [['--experimental-timer-scale', '0.5', '--nucleus', 'inline'], '--experimental-timer-scale must be a number from 1 to 100 (got "0.5")'],
    [['--experimental-timer-scale', '3'], '--experimental-timer-scale works on inline cores only'],
    [['--time-scale', '3'], '--time-scale is no longer an option: --minute-scale N speeds up AWS minutes'],
    [['--issuer', 'acm'], '--issuer must be iot or pca (got "acm")'],
    [['--nucleus', 'docker'], '--nucleus must be process or inline (got "docker")'],
    [['--key-algorithm', 'RSA-1024'], '--key-algorithm must be RSA-2048, RSA-3072, ECDSA-P256, ECDSA-P384 or ECDSA-P521 (got "RSA-1024")'],
    [
      ['--key-algorithm', 'RSA-2048', '--signing-algorithm', 'ECDSA-WITH-SHA256'],
      '--signing-algorithm ECDSA-WITH-SHA256 does not suit --key-algorithm RSA-2048',
    ],
    [['--hsm=yes'], '--hsm takes no value (got "yes")'],
    [['--bogus'], 'unknown option --bogus'],
    [['-d', '3'], 'unknown option -d'],
    [['10'], 'unexpected argument "10"'],
  ])('refuses %j in one line that names the flag', (argv, message) => {
    let thrown: unknown;
    try {
      parseDemoOptions(argv);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'UsageError' });
    expect((thrown as Error).message).toContain(message);
    expect((thrown as Error).message).not.toContain('\n');
  });
});

describe('npm run demo with a bad flag', () => {
  // Starting npm, tsx and the demo's imports can take minutes on a busy machine.
  it('prints one line naming the flag, a pointer to --help, and exits 2', { timeout: 300_000 }, () => {
    const run = spawnSync('npm', ['run', '--silent', 'demo', '--', '--devices', '-3'], { encoding: 'utf8', timeout: 280_000 });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'demo: --devices must be a whole number from 1 to 5000 (got "-3")',
      'Run "npm run demo -- --help" for the options.',
    ]);
  });
});
