import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApi } from '../aws/index.js';
import { attachedCertificates, runRotationJob } from './fleet-facts.js';
import { createStandInTarget, type StandInTarget } from './standin-target.js';

// AWS's request-rate quotas, in real time: the template releases up to 100 executions at once, so
// 30 cores start together and their create requests may meet the quotas (ListThingPrincipalsV2
// allows 10 calls a second, CreateCertificateFromCsr 15). Whether they do depends on how fast this
// machine runs the cores, so the test also refuses the backend's first CreateCertificateFromCsr
// calls with AWS's throttling error, as a busy account would: its retries, not the machine's pace,
// must carry every rotation through within the device's 30 s patience.
const CORES = 30;
const INJECTED_THROTTLES = 10;

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
    const api = target.standIn.http?.api as HttpApi | undefined;
    if (!api) throw new Error('the stand-in runs without its HTTP APIs');
    api.throttleNext('iot:CreateCertificateFromCsr', INJECTED_THROTTLES);
    const job = await runRotationJob(target, 'throttled');

    expect(Object.values(job.statuses)).toEqual(Array<string>(CORES).fill('SUCCEEDED'));
    // Only the backend calls CreateCertificateFromCsr, so every injected refusal met one of its calls.
    expect(api.pendingFaults()).toEqual({});
    for (const thing of await target.things()) {
      await expect.poll(async () => (await attachedCertificates(target, thing)).length, { timeout: 60_000, interval: 500 }).toBe(1);
    }
  }, 600_000);
});
