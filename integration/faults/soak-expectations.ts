import { expect } from 'vitest';
import type { SoakResult } from './soak.js';

/** Rotations per soak in npm test: the count the soak is meant to prove, not a sample of it. */
export const SOAK_ROTATIONS = 100;
/**
 * Real time: a clean rotation waits on no timer, so speeding them up gains nothing, while the
 * component's 30 s timeouts must hold when the backend answers slowly on a loaded machine.
 */
export const SOAK_TIME_SCALE = 1;

/**
 * Live heap after a full collection may grow by what the stand-in keeps by design (AWS's job
 * history: 100 jobs and their executions) and by the allocator's noise; a leak of a rotation's
 * worth of objects each time (sessions, connections, listeners, key material) would exceed it.
 */
const HEAP_GROWTH_LIMIT_MIB = 16;

export function expectNothingLeftBehind(result: SoakResult): void {
  process.stdout.write(
    `soak ${result.store}: ${result.rotations} rotations in ${result.seconds.toFixed(0)} s; RSS ${result.rssAfterFirstMiB} → ${result.rssAfterLastMiB} MiB, heap ${result.heapAfterFirstMiB} → ${result.heapAfterLastMiB} MiB\n`,
  );
  expect(result.failures).toEqual([]);
  expect(result.succeeded).toBe(result.rotations);
  expect(result.leftoverFiles).toEqual([]);
  expect(result.missingFiles).toEqual([]);
  expect(result.certificatesOnThing).toBe(1);
  expect(result.certificatesInAccount).toBe(1);
  expect(result.rotationShadowLeft).toBe(false);
  expect(result.heapAfterLastMiB - result.heapAfterFirstMiB).toBeLessThan(HEAP_GROWTH_LIMIT_MIB);
}
