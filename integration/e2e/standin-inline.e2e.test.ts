import { describe } from 'vitest';
import { createStandInTarget } from './standin-target.js';
import { defineRotationSuites } from './suites.js';

// The original's integration suites through the local stand-in, cores running inline. The
// backend's functions run in processes of their own, as Lambda runs them, and take real time:
// x5 leaves the component 6 s where it has 30 s, room for them on a loaded machine.
describe('end to end through the stand-in (inline cores)', () => {
  defineRotationSuites(() => createStandInTarget({ devices: 2, timeScale: 5 }));
});
