import type { Clock } from '../../component/src/runtime/rotator-deps.js';

/**
 * A clock whose timers run `factor` times faster than real time, so that the component's
 * 30 s state timeouts fit a demo or a test. factor 1 is real time.
 */
export function scaledClock(factor: number): Clock {
  if (!(factor >= 1)) throw new Error(`clock speed-up must be >= 1, got ${factor}`);
  return {
    setTimeout: (callback, ms) => setTimeout(callback, Math.max(1, Math.round(ms / factor))),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}
