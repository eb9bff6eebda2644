import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateId } from './certificate-facts.js';
import { claimLayout, credentialPathsFrom } from './claim-layout.js';
import { attachedCertificates, runRotationJob } from './fleet-facts.js';
import { createStandInTarget, type StandInTarget } from './standin-target.js';

/**
 * A core provisioned by AWS IoT fleet provisioning has empty credential paths in its
 * effectiveConfig.yaml; the nucleus keeps them in config/config.tlog. The built component, run by
 * the nucleus stand-in over Greengrass IPC, must find them there and rotate what they name. Each
 * store has its own test file, so that each runs in a process of its own (one SoftHSM2 target per process).
 */
export function claimedCoreSuite(store: { hsm: boolean; what: string; jobPrefix: string }): void {
  describe(`a core provisioned by claim (process mode, ${store.hsm ? 'keys in SoftHSM2' : 'files'})`, () => {
    let target: StandInTarget;

    beforeAll(async () => {
      target = await createStandInTarget({ devices: 1, nucleus: 'process', hsm: store.hsm, provisionedByClaim: true });
    }, 300_000);
    afterAll(async () => {
      await target?.close();
    });

    it(`rotates the ${store.what} the tlog names`, { timeout: 600_000 }, async () => {
      const [core] = target.fleet;
      if (core === undefined) throw new Error('the target has no core');
      const thing = core.core.thingName;
      expect(claimLayout(core.core.paths.root)).toEqual({
        effective: { certificateFilePath: '', privateKeyPath: '' },
        tlogPaths: { certificateFilePath: core.core.paths.certificateFilePath, privateKeyPath: core.core.paths.privateKeyPath },
      });
      const [old] = await attachedCertificates(target, thing);

      const job = await runRotationJob(target, store.jobPrefix);
      expect({ statuses: job.statuses, reasons: job.reasons }).toEqual({ statuses: { [thing]: 'SUCCEEDED' }, reasons: {} });

      const installed = certificateId(await core.probe.certificatePem());
      expect(installed).not.toBe(old?.certificateId);
      await expect
        .poll(async () => (await attachedCertificates(target, thing)).map((c) => c.certificateId), { timeout: target.cleanupTimeoutMs })
        .toEqual([installed]);
      expect(await target.coreConnects(thing)).toBe(true);
      // Every start, before and after the restart onto the new certificate, read them from the tlog.
      const starts = credentialPathsFrom(core.core.paths.root);
      expect(starts.length).toBeGreaterThanOrEqual(2);
      for (const from of starts) expect(from).toEqual({ certificateFilePath: 'config.tlog', privateKeyPath: 'config.tlog' });
    });
  });
}
