import { describe } from 'vitest';
import { createStandInTarget, STAND_IN_SUITE_TIMEOUTS } from './standin-target.js';
import { defineRotationSuites } from './suites.js';

// The original's integration suites through the local stand-in, cores running inline (at the
// default INLINE_TEST_TIME_SCALE: the backend's functions take real time).
describe('end to end through the stand-in (inline cores)', () => {
  defineRotationSuites(() => createStandInTarget({ devices: 2 }), { timeouts: STAND_IN_SUITE_TIMEOUTS });
});
