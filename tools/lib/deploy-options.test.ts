import { describe, expect, it } from 'vitest';
import { deployMain } from './deploy-component-version.js';
import { DEPLOY_FLAGS, DEPLOY_USAGE, parseDeployArgs } from './deploy-options.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) > 0 } }, out, err };
}

describe('deploy-component-version command line', () => {
  it('--help describes both arguments and every option', async () => {
    const { io, out } = capture();
    expect(await deployMain(['--help'], io)).toBe(0);
    const help = out.join('');
    expect(help).toBe(DEPLOY_USAGE);
    for (const flag of Object.keys(DEPLOY_FLAGS)) {
      expect(help, flag).toMatch(new RegExp(`^  --${flag}( [A-Z]+)?\\s{2,}\\S`, 'm'));
    }
    expect(help).toMatch(/^  <version>\s{2,}\S/m);
    expect(help).toMatch(/^  <thingGroup>\s{2,}\S/m);
    expect(help).toContain('default aws.greengrass.labs.CertificateRotator, from gdk-config.json');
  });

  it('applies the defaults: the component of gdk-config.json, 900 s', () => {
    expect(parseDeployArgs(['1.2.3', 'Cores'])).toEqual({
      help: false,
      options: {
        version: '1.2.3',
        thingGroupName: 'Cores',
        componentName: 'aws.greengrass.labs.CertificateRotator',
        timeoutMs: 900_000,
        pollIntervalMs: 10_000,
      },
    });
  });

  it('reads every option, before or after the arguments', () => {
    expect(
      parseDeployArgs([
        '--timeout',
        '60',
        '1.2.3-rc.1',
        'Cores',
        '--component',
        'com.example.Other',
        '--poll-interval',
        '2',
        '--region',
        'eu-west-1',
        '--endpoint',
        'https://greengrass.example.com',
      ]),
    ).toEqual({
      help: false,
      options: {
        version: '1.2.3-rc.1',
        thingGroupName: 'Cores',
        componentName: 'com.example.Other',
        timeoutMs: 60_000,
        pollIntervalMs: 2000,
        region: 'eu-west-1',
        endpoint: 'https://greengrass.example.com',
      },
    });
  });

  it.each([
    [[], 'give two arguments: <version> <thingGroup> (got 0)'],
    [['1.2.3'], 'give two arguments: <version> <thingGroup> (got 1)'],
    [['1.2', 'Cores'], '<version> must be a semantic version'],
    [['1.2.3', 'my cores'], '<thingGroup> must be a thing group name'],
    [['1.2.3', 'Cores', '--component', 'a/b'], '--component must be a component name'],
    [['1.2.3', 'Cores', '--timeout', 'forever'], '--timeout must be a number of seconds more than 0 and at most 86400 (got "forever")'],
    [['1.2.3', 'Cores', '--timeout', '0'], '--timeout must be a number of seconds more than 0'],
    [['1.2.3', 'Cores', '--poll-interval', '-2'], '--poll-interval must be a number of seconds more than 0 and at most 3600 (got "-2")'],
    [['1.2.3', 'Cores', '--component'], '--component needs a value: a component name'],
    [['1.2.3', 'Cores', '--region', 'EU'], '--region must be an AWS region'],
    [['1.2.3', 'Cores', '--endpoint', 'ftp://x'], '--endpoint must be an http(s) URL'],
    [['1.2.3', 'Cores', '--wait'], 'unknown option --wait'],
    [['1.2.3', 'Cores', '--bogus'], 'unknown option --bogus'],
  ])('rejects %j with a message naming what is wrong', async (argv, message) => {
    const { io, err, out } = capture();
    expect(await deployMain(argv, io)).toBe(2);
    const [first, pointer, ...rest] = err.join('').trimEnd().split('\n');
    expect(first).toMatch(/^deploy-component-version: /);
    expect(first).toContain(message);
    expect(pointer).toBe('Run "npm run deploy-component-version -- --help" for the options.');
    expect(rest).toEqual([]);
    expect(out).toEqual([]);
  });
});
