import { describe } from 'vitest';
import { createStandInTarget } from './standin-target.js';
import { defineRotationSuites } from './suites.js';

// The original's integration suites through the local stand-in, cores running inline.
describe('end to end through the stand-in (inline cores)', () => {
  defineRotationSuites(() => createStandInTarget({ devices: 2 }));
});
