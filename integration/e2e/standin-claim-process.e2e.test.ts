import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateId } from './certificate-facts.js';
import { claimLayout, credentialPathsFrom } from './claim-layout.js';
import { attachedCertificates, runRotationJob } from './fleet-facts.js';
import { createStandInTarget, type StandInTarget } from './standin-target.js';

// A core provisioned by AWS IoT fleet provisioning has empty credential paths in its
// effectiveConfig.yaml; the nucleus keeps them in config/config.tlog. The built component, run
// by the nucleus stand-in over Greengrass IPC, finds them there and rotates the files they name.
describe('a core provisioned by claim (process mode, files)', () => {
  let target: StandInTarget;

  beforeAll(async () => {
    target = await createStandInTarget({ devices: 1, nucleus: 'process', provisionedByClaim: true });
  }, 300_000);
  afterAll(async () => {
    await target?.close();
  });

  it('rotates the certificate and key the tlog names', { timeout: 600_000 }, async () => {
    const [core] = target.fleet;
    if (core === undefined) throw new Error('the target has no core');
    const thing = core.core.thingName;
    expect(claimLayout(core.core.paths.root)).toEqual({
      effective: { certificateFilePath: '', privateKeyPath: '' },
      tlogPaths: { certificateFilePath: core.core.paths.certificateFilePath, privateKeyPath: core.core.paths.privateKeyPath },
    });
    const [old] = await attachedCertificates(target, thing);

    const job = await runRotationJob(target, 'claimed-files');
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
