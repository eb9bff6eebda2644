import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlgorithmConfig } from '../config/algorithms.js';
import { createLayout, filesWithPowerCut } from '../../test/support/file-store-fixtures.js';
import { FileCredentialStore } from '../credentials/file-store.js';
import { FAILURE_REASONS } from '../fsm/actions.js';
import { createTestCa } from '../../test/support/softhsm/test-ca.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';
import { FILE_STORE, PKCS11_STORE, type Disk, type StopPoint, type StoreKind } from '../../test/support/recovery-stores-fixtures.js';
import { RecoveryWorld, type JobRecord, type Scenario } from '../../test/support/recovery-stores-world.js';

const ALGORITHMS: AlgorithmConfig = { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' };

interface Row {
  stop: StopPoint;
  scenario: Scenario;
  /** Which pair the device holds once it rests: the one it started with, or the rotated one. */
  credentials: 'old' | 'new';
  job: JobRecord['status'];
  reason?: string;
}

const { commitRejectedNoBackup, commitRejected, commitTimeout } = FAILURE_REASONS;

/** Stops with a complete backup and the new pair installed: the restart must commit or roll back. */
const withBackup = (stop: StopPoint): Row[] => [
  { stop, scenario: 'answer', credentials: 'new', job: 'SUCCEEDED' },
  { stop, scenario: 'getRejected', credentials: 'old', job: 'FAILED', reason: commitRejectedNoBackup },
  { stop, scenario: 'getTimeout', credentials: 'old', job: 'FAILED', reason: commitRejectedNoBackup },
  { stop, scenario: 'commitRejected', credentials: 'old', job: 'FAILED', reason: commitRejected },
  { stop, scenario: 'commitTimeout', credentials: 'old', job: 'FAILED', reason: commitTimeout },
];

/** The table: every stop of a rotation, and what the cloud does on the first boot after it. */
function rowsFor(kind: StoreKind): Row[] {
  const midRotate: Row[] = [];
  // Only stores with a step hook can lose power inside rotate(); for the others no row exists.
  for (let change = 0; change < (kind.rotateChanges ?? 0); change++) {
    // Whatever the cut left (no backup, old pair, new certificate with old key), the old pair
    // comes back and the job fails: the backend never saw the new certificate connect.
    midRotate.push({ stop: { midRotateBeforeChange: change }, scenario: 'answer', credentials: 'old', job: 'FAILED' });
  }
  return [
    // The new key exists only as pending (in memory, or a pending token object): nothing to commit.
    { stop: 'afterCreateCsr', scenario: 'answer', credentials: 'old', job: 'FAILED', reason: commitRejectedNoBackup },
    { stop: 'afterCreateCsr', scenario: 'getRejected', credentials: 'old', job: 'IN_PROGRESS' },
    { stop: 'afterCreateCsr', scenario: 'getTimeout', credentials: 'old', job: 'IN_PROGRESS' },
    ...withBackup('afterRotate'),
    ...midRotate,
    // The backend accepted the commit; the power went before the backup was deleted.
    ...withBackup('beforeDeleteBackup'),
    // Backup deleted, SUCCEEDED never sent: the new pair stays; the core commits again and succeeds.
    { stop: 'afterDeleteBackup', scenario: 'answer', credentials: 'new', job: 'SUCCEEDED' },
    { stop: 'afterDeleteBackup', scenario: 'getRejected', credentials: 'new', job: 'IN_PROGRESS' },
    { stop: 'afterDeleteBackup', scenario: 'getTimeout', credentials: 'new', job: 'IN_PROGRESS' },
  ];
}

function label(row: Row): string {
  const stop = typeof row.stop === 'object' ? `power cut in rotate before change ${row.stop.midRotateBeforeChange}` : row.stop;
  return `${stop}, then ${row.scenario}: ${row.credentials} credentials, job ${row.job}`;
}

describe.each([FILE_STORE, PKCS11_STORE])('recovery after a restart at every step: $name', (kind) => {
  let disk: Disk | undefined;
  afterEach(async () => {
    await disk?.dispose();
    disk = undefined;
  });

  it.each(rowsFor(kind).map((row) => ({ ...row, title: label(row) })))('$title', async (row) => {
    disk = await kind.createDisk();
    const oldCertificateId = disk.installedCertificateId();
    const world = new RecoveryWorld(disk, ALGORITHMS, row.stop, row.scenario);

    const rotator = await world.run();

    expect(rotator.state()).toBe('Idle');
    expect(world.boots).toBeGreaterThan(1);
    // A device that stopped right after its CSR never sent it: no certificate was issued.
    if (row.stop === 'afterCreateCsr') expect(world.newCertificateId).toBeUndefined();
    else expect(world.newCertificateId).toBeDefined();
    const store = disk.newStore();
    expect(await store.installedCredentialsMatch()).toBe(true);
    expect(await store.backupExists()).toBe(false);
    expect(disk.installedCertificateId()).toBe(row.credentials === 'old' ? oldCertificateId : world.newCertificateId);
    expect(world.job.status).toBe(row.job);
    if (row.reason !== undefined) expect(world.job.reason).toBe(row.reason);
  });

  it('a rotation still completes after recovering from a restart with a backup', async () => {
    disk = await kind.createDisk();
    await new RecoveryWorld(disk, ALGORITHMS, 'afterRotate', 'getRejected').run();
    const oldCertificateId = disk.installedCertificateId();
    const again = new RecoveryWorld(disk, ALGORITHMS, 'afterRotate', 'answer');
    await again.run();
    expect(disk.installedCertificateId()).toBe(again.newCertificateId);
    expect(disk.installedCertificateId()).not.toBe(oldCertificateId);
    expect(await disk.newStore().installedCredentialsMatch()).toBe(true);
    expect(again.job.status).toBe('SUCCEEDED');
  });
});

describe('the file store step hook used for the mid-rotate rows', () => {
  it(`sees exactly ${String(FILE_STORE.rotateChanges)} durable changes in one rotate`, async () => {
    const layout = createLayout();
    try {
      const hook = filesWithPowerCut(Number.POSITIVE_INFINITY);
      const store = new FileCredentialStore({ ...layout, logger: new MemoryLogger(), files: hook.files });
      const ca = await createTestCa();
      await store.rotate(await ca.issueForCsr(await store.createCsr(ALGORITHMS)));
      expect(hook.steps).toHaveLength(FILE_STORE.rotateChanges ?? 0);
    } finally {
      await rm(layout.root, { recursive: true, force: true });
    }
  });
});
