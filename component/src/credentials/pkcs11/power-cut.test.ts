import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlgorithmConfig } from '../../config/algorithms.js';
import { createHsmFixture, type HsmFixture } from '../../../test/support/softhsm/hsm-fixture.js';
import { listTokenObjects, tokenCertificateDer, tokenKeySignsFor } from '../../../test/support/softhsm/token-inspection.js';
import { withTokenSession } from './session.js';
import { deleteBackupSteps, rollbackSteps, rotationSteps, runSteps, type TokenStep } from './token-steps.js';
import { objectLabels } from './token-objects.js';

const LABEL = 'greengrass-core';
const LABELS = objectLabels(LABEL);
// The device key is RSA-2048 (the fixture's default) and the new key P-256, so both key-match paths run.
const ALGORITHMS: AlgorithmConfig = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' };

/** Runs the first `count` steps in one session, then "loses power": the process state is dropped. */
function runPrefix(fixture: HsmFixture, steps: readonly TokenStep[], count: number): void {
  fixture.token.activate();
  withTokenSession(fixture.token.provider, 'read-write', ({ session }) => runSteps(session, steps.slice(0, count)));
}

async function newCertificate(fixture: HsmFixture): Promise<string> {
  return fixture.ca.issueForCsr(await fixture.newStore().createCsr(ALGORITHMS));
}

/** What the rotator does after a restart that finds a backup: roll back. */
async function recover(fixture: HsmFixture): Promise<void> {
  const store = fixture.newStore();
  if (await store.backupExists()) await store.rollback();
}

async function expectOriginalPairInstalled(fixture: HsmFixture): Promise<void> {
  const objects = listTokenObjects(fixture.token).filter((o) => o.label === LABEL);
  expect(objects).toEqual([
    { kind: 'certificate', label: LABEL, id: 'dead' },
    { kind: 'private key', label: LABEL, id: 'dead' },
  ]);
  expect(tokenCertificateDer(fixture.token, LABEL)).toEqual(fixture.device.certificateDer);
  expect(tokenKeySignsFor(fixture.token, LABEL, fixture.device.publicKey)).toBe(true);
  expect(await fixture.newStore().installedCredentialsMatch()).toBe(true);
  expect(await fixture.newStore().backupExists()).toBe(false);
}

/** After recovery a full rotation must work again (leftovers cleaned, nothing wedged). */
async function expectRotationStillWorks(fixture: HsmFixture): Promise<void> {
  const pem = await newCertificate(fixture);
  await fixture.newStore().rotate(pem);
  expect(tokenKeySignsFor(fixture.token, LABEL, new X509Certificate(pem).publicKey)).toBe(true);
  expect(tokenCertificateDer(fixture.token, LABELS.backup)).toEqual(fixture.device.certificateDer);
}

describe('power cut during a rotation on a SoftHSM2 token', () => {
  let fixture: HsmFixture | undefined;
  afterEach(async () => {
    await fixture?.dispose();
    fixture = undefined;
  });

  // After k of the 9 rotation steps: is there a complete backup, and do the objects under the label match?
  const ROTATION_CUTS = [
    { done: 0, backup: false, match: true },
    { done: 1, backup: false, match: true },
    { done: 2, backup: false, match: true },
    { done: 3, backup: false, match: true }, // certificate backed up, key not yet
    { done: 4, backup: true, match: true }, // complete backup, old pair untouched
    { done: 5, backup: true, match: false }, // old certificate destroyed
    { done: 6, backup: true, match: false }, // new certificate with the old key
    { done: 7, backup: true, match: false }, // old key destroyed
    { done: 8, backup: true, match: true }, // new pair installed, pending key left over
    { done: 9, backup: true, match: true }, // rotation complete
  ];

  it('has one cut per rotation step plus the uninterrupted run', async () => {
    expect(rotationSteps(LABELS, Buffer.alloc(0))).toHaveLength(ROTATION_CUTS.length - 1);
  });

  it.each(ROTATION_CUTS)(
    'cut after $done rotation steps: backup=$backup, match=$match, then recovery restores the old pair',
    async ({ done, backup, match }) => {
      fixture = await createHsmFixture();
      const pem = await newCertificate(fixture);
      runPrefix(fixture, rotationSteps(LABELS, new X509Certificate(pem).raw), done);

      const restarted = fixture.newStore();
      expect(await restarted.backupExists()).toBe(backup);
      expect(await restarted.installedCredentialsMatch()).toBe(match);
      await recover(fixture);
      await expectOriginalPairInstalled(fixture);
      await expectRotationStillWorks(fixture);
    },
  );

  it('after a complete rotation, committing (deleteBackup) keeps the new pair', async () => {
    fixture = await createHsmFixture();
    const pem = await newCertificate(fixture);
    runPrefix(fixture, rotationSteps(LABELS, new X509Certificate(pem).raw), 9);
    await fixture.newStore().deleteBackup();
    expect(tokenKeySignsFor(fixture.token, LABEL, new X509Certificate(pem).publicKey)).toBe(true);
    expect(await fixture.newStore().installedCredentialsMatch()).toBe(true);
  });

  // After j of the 6 roll-back steps (which started from a completed rotation).
  const ROLLBACK_CUTS = [
    { done: 0, backup: true, match: true }, // new pair still installed
    { done: 1, backup: true, match: false }, // no certificate under the label
    { done: 2, backup: true, match: false }, // nothing under the label
    { done: 3, backup: true, match: false }, // old certificate back, no key
    { done: 4, backup: true, match: true }, // old pair back, backups still there
    { done: 5, backup: false, match: true }, // certificate backup gone, key backup left over
    { done: 6, backup: false, match: true }, // roll-back complete
  ];

  it.each(ROLLBACK_CUTS)(
    'cut after $done roll-back steps: backup=$backup, match=$match, then recovery restores the old pair',
    async ({ done, backup, match }) => {
      fixture = await createHsmFixture();
      await fixture.newStore().rotate(await newCertificate(fixture));
      runPrefix(fixture, rollbackSteps(LABELS), done);

      const restarted = fixture.newStore();
      expect(await restarted.backupExists()).toBe(backup);
      expect(await restarted.installedCredentialsMatch()).toBe(match);
      await recover(fixture);
      await expectOriginalPairInstalled(fixture);
      await expectRotationStillWorks(fixture);
    },
  );

  it('cut in the middle of deleteBackup: no backup is reported and the new pair stays', async () => {
    fixture = await createHsmFixture();
    const pem = await newCertificate(fixture);
    await fixture.newStore().rotate(pem);
    runPrefix(fixture, deleteBackupSteps(LABELS), 1);

    const restarted = fixture.newStore();
    expect(await restarted.backupExists()).toBe(false);
    expect(await restarted.installedCredentialsMatch()).toBe(true);
    expect(tokenKeySignsFor(fixture.token, LABEL, new X509Certificate(pem).publicKey)).toBe(true);
  });
});
