import { existsSync } from 'node:fs';
import path from 'node:path';
import { GetThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateId } from './certificate-facts.js';
import { attachedCertificates, runRotationJob } from './fleet-facts.js';
import { createStandInTarget, STAND_IN_SETUP_TIMEOUT_MS, type StandInTarget } from './standin-target.js';

// Power cuts in the middle of a rotation, on a core that runs the built component as a process
// under the nucleus stand-in. Whatever the moment, the core must end with a certificate that AWS
// IoT accepts and that is the only ACTIVE one attached to its thing.

async function shadowProgress(target: StandInTarget, thingName: string): Promise<string | undefined> {
  try {
    const shadow = await target.iotData.send(new GetThingShadowCommand({ thingName, shadowName: target.jobTemplateId }));
    const document = JSON.parse(Buffer.from(shadow.payload ?? new Uint8Array()).toString('utf8')) as {
      state?: { reported?: { progress?: string } };
    };
    return document.state?.reported?.progress;
  } catch {
    return undefined;
  }
}

describe('power cuts during a rotation (process mode)', () => {
  let target: StandInTarget;
  beforeAll(async () => {
    target = await createStandInTarget({ devices: 1, nucleus: 'process' });
  }, STAND_IN_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await target?.close();
  });

  async function rotateWithPowerCut(
    label: string,
    cutWhen: (thingName: string) => Promise<boolean> | boolean,
  ): Promise<{ status?: string; oldId?: string }> {
    const core = target.fleet[0];
    if (!core) throw new Error('no core');
    const thingName = core.core.thingName;
    const [old] = await attachedCertificates(target, thingName);
    const job = runRotationJob(target, label);
    await expect.poll(() => cutWhen(thingName), { message: `the cut point (${label})`, timeout: 60_000 }).toBe(true);
    // The cut resolves once the component's processes are dead and its connection is closed.
    await core.powerCut();
    await core.start();
    const result = await job;
    return { status: result.statuses[thingName], oldId: old?.certificateId };
  }

  async function expectReachable(thingName: string): Promise<string> {
    await expect.poll(async () => (await attachedCertificates(target, thingName)).length, { timeout: 30_000, interval: 200 }).toBe(1);
    const [only] = await attachedCertificates(target, thingName);
    expect(only?.status).toBe('ACTIVE');
    expect(certificateId(await target.installedCertificatePem(thingName))).toBe(only?.certificateId);
    expect(await target.coreConnects(thingName)).toBe(true);
    return only?.certificateId ?? '';
  }

  it('cut once the backup is on disk: the core ends on a working certificate, the only one of its thing', async () => {
    const core = target.fleet[0]!;
    const backup = path.join(core.core.paths.componentWorkDir, 'private_key.bak');
    const { status } = await rotateWithPowerCut('cut-after-backup', () => existsSync(backup));
    expect(['SUCCEEDED', 'FAILED']).toContain(status);
    await expectReachable(core.core.thingName);
  }, 240_000);

  it('cut once the commit was accepted: the core commits again after the restart and succeeds', async () => {
    const thingName = target.fleet[0]!.core.thingName;
    // Hold the accepted reply back so that the power cut falls between the backend's commit and
    // the core's removal of its backup.
    target.standIn.faults.delayNext(`awslabs/things/${thingName}/certificate/commit/accepted`, 10_000, { direction: 'outbound' });
    const { status, oldId } = await rotateWithPowerCut(
      'cut-after-commit',
      async () => (await shadowProgress(target, thingName)) === 'committed',
    );
    expect(status).toBe('SUCCEEDED');
    const current = await expectReachable(thingName);
    expect(current).not.toBe(oldId);
  }, 240_000);
});
