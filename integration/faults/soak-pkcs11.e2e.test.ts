import { describe, expect, it } from 'vitest';
import { runSoak } from './soak.js';
import { expectNothingLeftBehind, SOAK_ROTATIONS, SOAK_TIME_SCALE } from './soak-expectations.js';

describe('the soak with the PKCS#11 store on SoftHSM2', () => {
  it(
    `rotates one core ${SOAK_ROTATIONS} times and leaves no token object, file, certificate or shadow behind, nor a growing heap`,
    async () => {
      const result = await runSoak({ store: 'pkcs11', rotations: SOAK_ROTATIONS, timeScale: SOAK_TIME_SCALE });
      expectNothingLeftBehind(result);
      // The token holds the one key and certificate in use, under the label it started with.
      expect(result.tokenObjectsBefore).toHaveLength(2);
      expect(result.tokenObjects).toEqual(result.tokenObjectsBefore);
    },
    30 * 60_000,
  );
});
