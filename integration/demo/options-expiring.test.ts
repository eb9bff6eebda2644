import { describe, expect, it } from 'vitest';
import { parseDemoOptions } from './options.js';
import { demoValidity, DEMO_RENEW_BEFORE_DAYS } from './scheduled-rotation.js';

describe('--expiring', () => {
  it('is off unless given', () => {
    expect(parseDemoOptions([]).expiring).toBeUndefined();
    expect(parseDemoOptions(['--devices', '10', '--expiring', '3']).expiring).toBe(3);
  });

  it.each([
    [['--expiring', 'three'], '--expiring must be a whole number'],
    [['--expiring=-1'], '--expiring must be a whole number from 0 to 5000 (got "-1")'],
    [['--devices', '2', '--expiring', '3'], '--expiring must be at most --devices'],
  ])('rejects %j naming the flag', (argv, message) => {
    expect(() => parseDemoOptions(argv)).toThrow(message);
  });

  it('gives the first N cores certificates inside the renew window and leaves the others theirs', () => {
    const now = Date.UTC(2025, 0, 1);
    const validityOf = demoValidity(2, now);
    const first = validityOf?.(1);
    expect(first?.notAfter).toBeLessThan(now + DEMO_RENEW_BEFORE_DAYS * 86_400_000);
    expect(first?.notBefore).toBeLessThan(now);
    expect(validityOf?.(2)).toBeUndefined();
  });
});
