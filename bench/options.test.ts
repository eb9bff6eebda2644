import { describe, expect, it } from 'vitest';
import { parseBenchOptions } from './options.js';

const NAMES = ['keygen-csr', 'fleet-rotation'];

describe('parseBenchOptions', () => {
  it('defaults: everything, full sizes, no JSON', () => {
    expect(parseBenchOptions([], NAMES)).toEqual({ quick: false, json: false, help: false, minuteScale: 1 });
  });

  it('accepts --only repeated or comma-separated', () => {
    expect(parseBenchOptions(['--only', 'keygen-csr', '--only', 'fleet-rotation'], NAMES).only).toEqual(NAMES);
    expect(parseBenchOptions(['--only', 'keygen-csr,fleet-rotation', '--quick', '--json'], NAMES)).toMatchObject({ only: NAMES, quick: true, json: true });
  });

  it('names an unknown benchmark', () => {
    expect(() => parseBenchOptions(['--only', 'nope'], NAMES)).toThrow(/--only: unknown benchmark "nope"/);
  });

  it('names a bad --minute-scale', () => {
    expect(parseBenchOptions(['--minute-scale', '10'], NAMES).minuteScale).toBe(10);
    expect(() => parseBenchOptions(['--minute-scale', '0'], NAMES)).toThrow(/--minute-scale must be at least 1/);
    expect(() => parseBenchOptions(['--minute-scale', 'fast'], NAMES)).toThrow(/--minute-scale/);
  });

  it('reads --devices and --rsa-devices, and names a bad one', () => {
    expect(parseBenchOptions(['--devices', '1000', '--rsa-devices', '100'], NAMES)).toMatchObject({ devices: 1000, rsaDevices: 100 });
    expect(() => parseBenchOptions(['--devices', '0'], NAMES)).toThrow(/--devices must be at least 1/);
    expect(() => parseBenchOptions(['--devices', '2.5'], NAMES)).toThrow(/--devices must be a whole number/);
    expect(() => parseBenchOptions(['--rsa-devices', 'many'], NAMES)).toThrow(/--rsa-devices must be a number/);
  });

  it('refuses unknown options', () => {
    expect(() => parseBenchOptions(['--cores', '5'], NAMES)).toThrow(/cores/);
  });
});
