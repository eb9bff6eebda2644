import { describe, expect, it } from 'vitest';
import { fleetStatusMain } from './fleet-status-command.js';
import { FLEET_STATUS_FLAGS, FLEET_STATUS_USAGE, parseFleetStatusArgs } from './fleet-status-options.js';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { isTTY: false, write: (t: string) => err.push(t) > 0 } },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

describe('fleet-status command line', () => {
  it('documents every option in --help', async () => {
    for (const flag of Object.keys(FLEET_STATUS_FLAGS)) expect(FLEET_STATUS_USAGE).toMatch(new RegExp(`^  --${flag}\\b`, 'm'));
    const run = captureIo();
    expect(await fleetStatusMain(['--help'], run.io)).toBe(0);
    expect(run.stdout()).toBe(FLEET_STATUS_USAGE);
  });

  it('reads the options, with their defaults', () => {
    expect(parseFleetStatusArgs(['--thing-group', 'Fleet'])).toEqual({
      help: false,
      options: { thingGroup: 'Fleet', concurrency: 4, json: false },
    });
    expect(
      parseFleetStatusArgs([
        '--thing-group',
        'Fleet',
        '--json',
        '--concurrency',
        '8',
        '--region',
        'eu-west-1',
        '--endpoint',
        'http://127.0.0.1:4566',
      ]),
    ).toEqual({
      help: false,
      options: { thingGroup: 'Fleet', concurrency: 8, json: true, region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' },
    });
  });

  it.each([
    [[], '--thing-group is required'],
    [['--thing-group', 'has space'], '--thing-group must be a thing group name'],
    [['--thing-group', 'Fleet', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 16'],
    [['--thing-group', 'Fleet', '--concurrency', 'many'], '--concurrency must be a whole number from 1 to 16'],
    [['--thing-group', 'Fleet', '--endpoint', 'localhost'], '--endpoint must be an http(s) URL'],
    [['--thing-group', 'Fleet', '--verbose'], 'unknown option --verbose'],
  ])('%j fails with one line naming the flag, exit 2', async (argv, message) => {
    const run = captureIo();
    expect(await fleetStatusMain(argv, run.io)).toBe(2);
    const [first, second, ...rest] = run.stderr().split('\n');
    expect(first).toContain(`fleet-status: ${message}`);
    expect(second).toBe('Run "npm run fleet-status -- --help" for the options.');
    expect(rest).toEqual(['']);
  });

  it('says that AWS credentials are missing', async () => {
    const saved = { ...process.env };
    try {
      for (const key of Object.keys(process.env)) if (key.startsWith('AWS_') && !key.startsWith('AWS_SDK_JS_')) delete process.env[key];
      process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
      process.env.AWS_CONFIG_FILE = '/nonexistent/config';
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      const run = captureIo();
      expect(await fleetStatusMain(['--thing-group', 'Fleet', '--region', 'eu-west-1'], run.io)).toBe(1);
      expect(run.stderr()).toBe(
        'fleet-status: No AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with a role\n',
      );
    } finally {
      process.env = saved;
    }
  }, 30_000);
});
