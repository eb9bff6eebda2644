import type { Clock } from './rotator-deps.js';

/** The real clock: Node's timers. */
export function createSystemClock(): Clock {
  return {
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}
