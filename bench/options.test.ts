import { describe, expect, it } from 'vitest';
import { parseBenchOptions } from './options.js';

const NAMES = ['keygen-csr', 'fleet-rotation'];

describe('parseBenchOptions', () => {
  it('defaults: everything, full sizes, no JSON', () => {
    expect(parseBenchOptions([], NAMES)).toEqual({ quick: false, json: false, help: false, minuteScale: 1 });
  });

  it('accepts --only repeated or comma-separated', () => {
    expect(parseBenchOptions(['--only', 'keygen-csr', '--only', 'fleet-rotation'], NAMES).only).toEqual(NAMES);
    expect(parseBenchOptions(['--only', 'keygen-csr,fleet-rotation', '--quick', '--json'], NAMES)).toMatchObject({
      only: NAMES,
      quick: true,
      json: true,
    });
  });

  it('names an unknown benchmark', () => {
    expect(() => parseBenchOptions(['--only', 'nope'], NAMES)).toThrow(/--only: unknown benchmark "nope"/);
  });

  it('names a bad --minute-scale', () => {
    expect(parseBenchOptions(['--minute-scale', '10'], NAMES).minuteScale).toBe(10);
    expect(() => parseBenchOptions(['--minute-scale', '0'], NAMES)).toThrow('--minute-scale must be a number from 1 to 60 (got "0")');
    expect(() => parseBenchOptions(['--minute-scale', '-2'], NAMES)).toThrow('--minute-scale must be a number from 1 to 60 (got "-2")');
    expect(() => parseBenchOptions(['--minute-scale', 'fast'], NAMES)).toThrow('--minute-scale must be a number from 1 to 60 (got "fast")');
    expect(() => parseBenchOptions(['--minute-scale'], NAMES)).toThrow('--minute-scale needs a value: a number from 1 to 60');
  });

  it('reads --devices and --rsa-devices, and names a bad one', () => {
    expect(parseBenchOptions(['--devices', '1000', '--rsa-devices', '100'], NAMES)).toMatchObject({ devices: 1000, rsaDevices: 100 });
    expect(() => parseBenchOptions(['--devices', '0'], NAMES)).toThrow('--devices must be a whole number from 1 to 5000 (got "0")');
    expect(() => parseBenchOptions(['--devices', '2.5'], NAMES)).toThrow('--devices must be a whole number from 1 to 5000 (got "2.5")');
    expect(() => parseBenchOptions(['--rsa-devices', 'many'], NAMES)).toThrow(
      '--rsa-devices must be a whole number from 1 to 5000 (got "many")',
    );
  });

  it('refuses unknown options', () => {
    expect(() => parseBenchOptions(['--cores', '5'], NAMES)).toThrow('unknown option --cores');
  });
});
