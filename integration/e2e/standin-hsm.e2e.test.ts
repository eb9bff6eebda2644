import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { readHsmCoreSettings } from '../device/hsm/hsm-core.js';
import { privateKeyFlags, tokenObjectLabels } from '../device/hsm/token-credentials.js';
import { certificateFacts, certificateId } from './certificate-facts.js';
import { attachedCertificates, runRotationJob } from './fleet-facts.js';
import { createStandInTarget, STAND_IN_SETUP_TIMEOUT_MS, type StandInTarget } from './standin-target.js';

const PAIRS: AlgorithmConfig[] = [
  { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' },
  { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' },
];

// Each core's key lives in its own SoftHSM2 token; the component rotates it with the PKCS#11 store
// and the nucleus stand-in reconnects over aws-crt with the key in the token. One target for the
// file: SoftHSM reads its configuration once per process.
describe('end to end through the stand-in with keys in SoftHSM2 (inline cores)', () => {
  let target: StandInTarget;
  let things: string[];

  beforeAll(async () => {
    target = await createStandInTarget({ devices: 2, hsm: true });
    things = await target.things();
  }, STAND_IN_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await target?.close();
  });

  it.each(PAIRS)('rotates with AWS IoT Core as issuer: $keyAlgorithm / $signingAlgorithm', async (pair) => {
    await target.useIssuer({ kind: 'iot' });
    for (const outcome of await target.deployConfiguration({ ...pair })) expect(outcome).toMatchObject({ status: 'SUCCEEDED' });
    const before = new Map<string, string[]>();
    for (const thing of things)
      before.set(
        thing,
        (await attachedCertificates(target, thing)).map((c) => c.certificateId),
      );

    const job = await runRotationJob(target, `hsm-${pair.keyAlgorithm}`);
    expect(job.statuses).toEqual(Object.fromEntries(things.map((t) => [t, 'SUCCEEDED'])));

    for (const core of target.fleet) {
      const thing = core.core.thingName;
      const old = before.get(thing) ?? [];
      const settle = { timeout: target.cleanupTimeoutMs, interval: target.pollIntervalMs };
      // The terminal function deletes the old certificate after the execution ends.
      await expect
        .poll(async () => (await attachedCertificates(target, thing)).map((c) => c.certificateId).some((id) => old.includes(id)), settle)
        .toBe(false);
      const attached = await attachedCertificates(target, thing);
      expect(attached.map((c) => c.status)).toEqual(['ACTIVE']);
      const installed = await core.probe.certificatePem();
      expect(certificateId(installed)).toBe(attached[0]?.certificateId);
      expect(certificateFacts(installed)).toMatchObject({
        amazonIssued: true,
        signatureAlgorithm: 'SHA256WITHRSA',
        keyAlgorithm: pair.keyAlgorithm,
      });
      expect(await target.coreConnects?.(thing)).toBe(true);

      const hsm = readHsmCoreSettings(core.core.paths.effectiveConfigPath);
      expect(privateKeyFlags(hsm.provider, hsm.label)).toEqual({ sensitive: true, extractable: false, neverExtractable: true });
      // Backups deleted after the commit, no pending key left: just the new pair under the label.
      expect(tokenObjectLabels(hsm.provider)).toEqual([`certificate ${hsm.label}`, `private key ${hsm.label}`]);
    }
  });
});
