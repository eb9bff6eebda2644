import { DescribeCertificateCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlgorithmConfig } from '../../component/src/config/algorithms.js';
import { readHsmCoreSettings } from '../device/hsm/hsm-core.js';
import { privateKeyFlags, tokenObjectLabels } from '../device/hsm/token-credentials.js';
import { certificateFacts, certificateId } from './certificate-facts.js';
import { attachedCertificates, runRotationJob } from './fleet-facts.js';
import { createStandInTarget, type StandInTarget } from './standin-target.js';

const PAIR: AlgorithmConfig = { keyAlgorithm: 'RSA-2048', signingAlgorithm: 'SHA256WITHRSA' };

async function certificateExists(target: StandInTarget, id: string): Promise<boolean> {
  try {
    await target.iot.send(new DescribeCertificateCommand({ certificateId: id }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

// The built component runs as a process under a nucleus stand-in, with its key in a SoftHSM2
// token: it creates the PKCS#11 store from the Pkcs11Provider configuration it reads over IPC and
// rotates the token from its own process, while the nucleus (this process) reconnects over aws-crt
// with the key in the token. The component keeps its real 30 s timeouts, so one rotation only.
// One target for the file: SoftHSM reads its configuration once per process.
describe('end to end through the stand-in with keys in SoftHSM2 (process mode: the built component over Greengrass IPC)', () => {
  let target: StandInTarget;

  beforeAll(async () => {
    target = await createStandInTarget({ devices: 1, nucleus: 'process', hsm: true });
  }, 300_000);
  afterAll(async () => {
    await target?.close();
  });

  it('rotates with AWS IoT Core as issuer: RSA-2048 / SHA256WITHRSA', { timeout: 600_000 }, async () => {
    const [core] = target.fleet;
    if (core === undefined) throw new Error('the target has no core');
    const thing = core.core.thingName;
    await target.useIssuer({ kind: 'iot' });
    for (const outcome of await target.deployConfiguration({ ...PAIR })) expect(outcome).toMatchObject({ status: 'SUCCEEDED' });
    const oldIds = (await attachedCertificates(target, thing)).map((c) => c.certificateId);
    expect(oldIds).toHaveLength(1);

    const job = await runRotationJob(target, 'hsm-process');
    expect({ statuses: job.statuses, reasons: job.reasons }).toEqual({ statuses: { [thing]: 'SUCCEEDED' }, reasons: {} });
    // The component asked Greengrass to restart, and the nucleus came back on the new certificate.
    expect(core.restarts()).toBeGreaterThanOrEqual(1);

    const settle = { timeout: target.cleanupTimeoutMs, interval: target.pollIntervalMs };
    // The terminal function detaches and deletes the old certificate after the execution ends.
    for (const old of oldIds) await expect.poll(() => certificateExists(target, old), settle).toBe(false);
    const attached = await attachedCertificates(target, thing);
    expect(attached.map((c) => c.status)).toEqual(['ACTIVE']);
    expect(oldIds).not.toContain(attached[0]?.certificateId);
    const installed = await core.probe.certificatePem();
    expect(certificateId(installed)).toBe(attached[0]?.certificateId);
    expect(certificateFacts(installed)).toMatchObject({
      amazonIssued: true,
      signatureAlgorithm: 'SHA256WITHRSA',
      keyAlgorithm: 'RSA-2048',
    });
    expect(await target.coreConnects?.(thing)).toBe(true);

    const hsm = readHsmCoreSettings(core.core.paths.effectiveConfigPath);
    expect(privateKeyFlags(hsm.provider, hsm.label)).toEqual({ sensitive: true, extractable: false, neverExtractable: true });
    // Backups deleted after the commit, no pending key left: just the new pair under the label.
    expect(tokenObjectLabels(hsm.provider)).toEqual([`certificate ${hsm.label}`, `private key ${hsm.label}`]);
  });
});
