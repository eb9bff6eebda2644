import { describe, expect, it } from 'vitest';
import { awsDetachPropagation, DEFAULT_DETACH_PROPAGATION_MAX_MS } from './model/registry/detach-propagation.js';

describe('the default detach propagation', () => {
  it('takes effect at once for some detaches and within a few hundred ms for the others', () => {
    const delays = Array.from({ length: 2000 }, awsDetachPropagation());
    const immediate = delays.filter((d) => d === 0).length / delays.length;
    expect(immediate).toBeGreaterThan(0.35);
    expect(immediate).toBeLessThan(0.65);
    expect(Math.max(...delays)).toBeLessThanOrEqual(DEFAULT_DETACH_PROPAGATION_MAX_MS);
    expect(delays.filter((d) => d >= 100).length).toBeGreaterThan(0);
  });

  it('draws a fresh delay per detach from the random source', () => {
    const draws = [0.9, 0.5, 0.1, 0.7, 0.2];
    const propagation = awsDetachPropagation(() => draws.shift() ?? 0);
    expect([propagation(), propagation(), propagation()]).toEqual([150, 0, Math.round(0.2 * DEFAULT_DETACH_PROPAGATION_MAX_MS)]);
  });
});
