import { describe, expect, it } from 'vitest';
import { elapsedMs, median, percentile, summarize } from './stats.js';

describe('median', () => {
  it('takes the middle of an odd count, unsorted input', () => {
    expect(median([9, 1, 5])).toBe(5);
  });
  it('averages the two middle samples of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('refuses no samples', () => {
    expect(() => median([])).toThrow(/no samples/);
  });
});

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
  it('p95 of 1..100 is 95', () => {
    expect(percentile(hundred, 95)).toBe(95);
  });
  it('p95 of few samples is their maximum', () => {
    expect(percentile([3, 1, 2], 95)).toBe(3);
  });
  it('p0 is the minimum and p100 the maximum', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile(hundred, 100)).toBe(100);
  });
  it('refuses a percentile out of range', () => {
    expect(() => percentile([1], 101)).toThrow(/0\.\.100/);
  });
  it("does not reorder the caller's array", () => {
    const samples = [3, 1, 2];
    percentile(samples, 50);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('summarize', () => {
  it('reports count, extremes, mean, median and p95', () => {
    expect(summarize([2, 8, 4, 6])).toEqual({ n: 4, min: 2, max: 8, mean: 5, median: 5, p95: 8 });
  });
  it('refuses no samples', () => {
    expect(() => summarize([])).toThrow(/no samples/);
  });
});

describe('elapsedMs', () => {
  it('converts nanosecond readings to milliseconds', () => {
    expect(elapsedMs(1_000_000n, 3_500_000n)).toBe(2.5);
  });
});
