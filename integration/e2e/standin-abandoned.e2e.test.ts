import { DisableTopicRuleCommand, EnableTopicRuleCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendResourceNames } from '../../shared/contract/index.js';
import { certificateId } from './certificate-facts.js';
import { attachedCertificates, runRotationJob } from './fleet-facts.js';
import { createStandInTarget, STAND_IN_SETUP_TIMEOUT_MS, type StandInTarget } from './standin-target.js';

// A core that takes longer to restart than the job's in-progress timeout comes back on its new
// certificate to find the job TIMED_OUT. The backend deletes the new certificate of such a job,
// so the core must roll back; the original went Idle on the new certificate and was stranded as
// soon as the terminal function removed it. The terminal rule is off here so that the core does
// see its new certificate still working when it returns: the decision must come from the job.
// The backend's functions take real time and a busy machine slows every step, so the component's
// timeouts must leave them room.
const TIME_SCALE = 5; // in-progress timeout 60 s, component timeouts 6 s
const RESTART_MS = 72_000;

describe('a rotation abandoned while the core restarts', () => {
  let target: StandInTarget;
  beforeAll(async () => {
    target = await createStandInTarget({ devices: 1, timeScale: TIME_SCALE, restartDelayMs: RESTART_MS });
  }, STAND_IN_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await target?.close();
  });

  it('times out, and the core rolls back to the certificate the backend keeps', async () => {
    const [thing] = await target.things();
    if (!thing) throw new Error('no core');
    const [old] = await attachedCertificates(target, thing);
    await target.iot.send(new DisableTopicRuleCommand({ ruleName: backendResourceNames().rules.jobExecutionTerminal }));
    try {
      const job = await runRotationJob(target, 'abandoned');
      expect(job.statuses[thing]).toBe('TIMED_OUT');
      // The core comes back after RESTART_MS on the new certificate, sees no job, rolls back and
      // restarts once more.
      await expect
        .poll(async () => certificateId(await target.installedCertificatePem(thing)), { timeout: 3 * RESTART_MS, interval: 500 })
        .toBe(old?.certificateId);
      await expect.poll(() => target.coreConnects(thing), { timeout: 2 * RESTART_MS, interval: 500 }).toBe(true);
      expect(target.fleet[0]?.restarts()).toBe(2);
    } finally {
      await target.iot.send(new EnableTopicRuleCommand({ ruleName: backendResourceNames().rules.jobExecutionTerminal }));
    }
  }, 420_000);
});
