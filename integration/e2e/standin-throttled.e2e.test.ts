import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachedCertificates, runRotationJob } from './fleet-facts.js';
import { createStandInTarget, type StandInTarget } from './standin-target.js';

// AWS's request-rate quotas, in real time: the template releases up to 100 executions at once, so
// 30 cores start together and their create requests meet the quotas (ListThingPrincipalsV2 allows
// 10 calls a second, CreateCertificateFromCsr 15). The backend's retries must carry every rotation
// through within the device's 30 s patience.
const CORES = 30;

describe('a fleet rollout at the template rate under AWS request-rate quotas', () => {
  let target: StandInTarget;
  beforeAll(async () => {
    target = await createStandInTarget({
      devices: CORES,
      timeScale: 1,
      algorithms: { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' },
    });
  }, 300_000);
  afterAll(async () => {
    await target?.close();
  });

  it('throttles the backend, and every core still succeeds with exactly its new certificate attached', async () => {
    const limits = target.standIn.rateLimits;
    if (!limits) throw new Error('the stand-in runs without quotas');
    const job = await runRotationJob(target, 'throttled');
    const throttled = limits.throttledByOperation();

    expect(Object.values(job.statuses)).toEqual(Array<string>(CORES).fill('SUCCEEDED'));
    // The backend's own calls were refused, not only this test's polling.
    expect((throttled['iot:ListThingPrincipalsV2'] ?? 0) + (throttled['iot:CreateCertificateFromCsr'] ?? 0)).toBeGreaterThan(0);
    for (const thing of await target.things()) {
      await expect.poll(async () => (await attachedCertificates(target, thing)).length, { timeout: 60_000, interval: 500 }).toBe(1);
    }
  }, 600_000);
});
