import { describe } from 'vitest';
import { createStandInTarget, STAND_IN_SUITE_TIMEOUTS } from './standin-target.js';
import { defineRotationSuites } from './suites.js';

// The path a real device takes: each core is a nucleus stand-in that deploys the built artifact
// from its recipe and runs it as a process over Greengrass IPC. The component keeps its real 30 s
// timeouts, so this runs one rotation per issuer rather than every algorithm pair (the inline
// suite covers those).
describe('end to end through the stand-in (process mode: the built component over Greengrass IPC)', () => {
  defineRotationSuites(() => createStandInTarget({ devices: 2, nucleus: 'process' }), {
    iotPairs: [{ keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' }],
    pcaSigningAlgorithms: ['SHA256WITHRSA'],
    timeouts: STAND_IN_SUITE_TIMEOUTS,
  });
});
