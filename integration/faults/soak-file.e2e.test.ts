import { describe, it } from 'vitest';
import { runSoak } from './soak.js';
import { expectNothingLeftBehind, SOAK_ROTATIONS, SOAK_TIME_SCALE } from './soak-expectations.js';

describe('the soak with the file store', () => {
  it(
    `rotates one core ${SOAK_ROTATIONS} times and leaves no file, backup, certificate or shadow behind, nor a growing heap`,
    async () => {
      expectNothingLeftBehind(await runSoak({ store: 'file', rotations: SOAK_ROTATIONS, timeScale: SOAK_TIME_SCALE }));
    },
    30 * 60_000,
  );
});
