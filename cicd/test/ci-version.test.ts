import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseGdkConfig } from '../../component/build/gdk-config.js';
import { ciVersion, withCiVersion } from '../scripts/ci-version.js';

const GDK_CONFIG = readFileSync(new URL('../../gdk-config.json', import.meta.url), 'utf8');

describe('CI component version', () => {
  it('keeps major and minor and takes the build number as patch', () => {
    expect(ciVersion('1.4.9', '42')).toBe('1.4.42');
    expect(ciVersion('2.0.0-rc.1', '007')).toBe('2.0.7');
  });

  it('refuses a base version that is not semantic', () => {
    expect(() => ciVersion('NEXT_PATCH', '1')).toThrow('"NEXT_PATCH" is not a semantic version');
  });

  it('writes the version and region into gdk-config.json and leaves the rest as it was', () => {
    const updated = parseGdkConfig(withCiVersion(GDK_CONFIG, '1.0.42', 'eu-west-1'));
    const original = parseGdkConfig(GDK_CONFIG);
    expect(updated).toEqual({ ...original, version: '1.0.42', region: 'eu-west-1' });
  });

  it('names the bad option on the command line', async () => {
    const script = new URL('../scripts/ci-version.ts', import.meta.url).pathname;
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', script, '--build-number', 'x', '--region', 'eu-west-1']);
    await expect(run).rejects.toMatchObject({ stderr: expect.stringContaining('--build-number must be a whole number') });
  });
});
