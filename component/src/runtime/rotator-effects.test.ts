import { describe, expect, it } from 'vitest';
import { FakeStore } from '../../test/support/fake-store.js';
import { boot, cloud, world, type World } from '../../test/support/rotator-harness.js';

const JOB = 'job-7';
/** The FAILED update, naming the certificate the fake store keeps (its certificates are their own ids). */
const failed = (reason: string, kept = 'old-certificate') =>
  `{"status":"FAILED","statusDetails":{"CertificateRotator":true,"DeviceFailureReason":"${reason}","KeptCertificateId":"${kept}"}}`;
const sent = (w: World, thing: string) => w.broker.from(thing).map((p) => `${p.topic} ${p.payload}`);

/** Boots `thing` and takes it to the point where update/accepted has been handled. */
async function accepted(w: World, thing: string, store: FakeStore) {
  const device = await boot(w, thing, store);
  const aws = cloud(w, thing);
  aws.noPendingJob();
  aws.notifyNext(JOB);
  aws.updateAccepted(JOB);
  await device.rotator.settled();
  return { device, aws };
}

describe('credential store failures', () => {
  it('unsupported algorithms fail the job with the original reason and log the detail, generating nothing', async () => {
    const w = world();
    const store = new FakeStore();
    store.faults.add('checkSupported');
    const { device } = await accepted(w, 'hsm-1', store);
    expect(sent(w, 'hsm-1').at(-1)).toBe(`$aws/things/hsm-1/jobs/${JOB}/update ${failed('Error creating the CSR.')}`);
    expect(store.calls.filter((c) => c.startsWith('createCsr'))).toEqual([]);
    expect(device.logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ reason: 'RSA-2048 is not supported by this token', jobId: JOB }),
      }),
    );
    expect(device.rotator.state()).toBe('Idle');
  });

  it('a failed key generation fails the job', async () => {
    const w = world();
    const store = new FakeStore();
    store.faults.add('createCsr');
    await accepted(w, 'core-2', store);
    expect(sent(w, 'core-2').at(-1)).toBe(`$aws/things/core-2/jobs/${JOB}/update ${failed('Error creating the CSR.')}`);
  });

  it('an install that fails after the backup rolls back, fails the job and restarts', async () => {
    const w = world();
    const store = new FakeStore();
    store.faults.add('rotateAfterBackup');
    const { device, aws } = await accepted(w, 'core-3', store);
    aws.createAccepted('NEW-CERTIFICATE');
    await device.rotator.settled();
    expect(store.calls.slice(-4)).toEqual(['rotate', 'backupExists', 'rollback', 'keptCertificateId']);
    expect(store.installed).toEqual({ certificate: 'old-certificate', key: 'old-key' });
    expect(sent(w, 'core-3').at(-1)).toBe(
      `$aws/things/core-3/jobs/${JOB}/update ${failed('Error rotating the certificate and private key.')}`,
    );
    expect(device.restarts).toBe(1);
  });

  it('an install that fails before any backup fails the job and restarts without rolling back', async () => {
    const w = world();
    const store = new FakeStore();
    store.faults.add('rotateBeforeBackup');
    const { device, aws } = await accepted(w, 'core-4', store);
    aws.createAccepted('NEW-CERTIFICATE');
    await device.rotator.settled();
    expect(store.calls).not.toContain('rollback');
    expect(sent(w, 'core-4').at(-1)).toContain(failed('Error rotating the certificate and private key.'));
    expect(device.restarts).toBe(1);
  });

  it('a backup that cannot be deleted still ends in SUCCEEDED, with the error logged', async () => {
    const w = world();
    const store = new FakeStore();
    store.backup = { certificate: 'old-certificate', key: 'old-key' };
    store.faults.add('deleteBackup');
    const device = await boot(w, 'core-5', store);
    cloud(w, 'core-5').pendingJob(JOB, 'IN_PROGRESS');
    cloud(w, 'core-5').commitAccepted();
    await device.rotator.settled();
    expect(sent(w, 'core-5').at(-1)).toBe(`$aws/things/core-5/jobs/${JOB}/update {"status":"SUCCEEDED"}`);
    expect(device.logger.entries).toContainEqual(expect.objectContaining({ level: 'error', message: 'Deleting the backup failed' }));
  });

  it('a store that cannot say whether a backup exists counts as having none', async () => {
    const w = world();
    const store = new FakeStore();
    store.faults.add('backupExists');
    const device = await boot(w, 'core-6', store);
    w.clock.advance(30_000);
    await device.rotator.settled();
    expect(device.rotator.state()).toBe('Idle');
    expect(device.restarts).toBe(0);
  });
});

describe('one event at a time', () => {
  it('a message and a timer firing during key generation wait for it; the stale timer is dropped', async () => {
    const w = world();
    const store = new FakeStore();
    let release = (): void => undefined;
    store.csrGate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const device = await boot(w, 'slow-1', store);
    const aws = cloud(w, 'slow-1');
    aws.noPendingJob();
    aws.notifyNext(JOB);
    aws.updateAccepted(JOB);
    const busy = device.rotator.settled();
    await expect.poll(() => store.calls.some((c) => c.startsWith('createCsr'))).toBe(true);
    expect(w.clock.pending()).toBe(1);
    w.clock.advance(30_000); // UpdatingJob's timer fires while the key is being generated
    aws.createRejected();
    release();
    await busy;
    expect(sent(w, 'slow-1').slice(-2)).toEqual([
      expect.stringMatching(/^awslabs\/things\/slow-1\/certificate\/create \{"jobId":"job-7","csr":/),
      `$aws/things/slow-1/jobs/${JOB}/update ${failed('Create was rejected.')}`,
    ]);
    expect(device.rotator.state()).toBe('Idle');
  });

  it('invalid messages are logged with the field and change nothing', async () => {
    const w = world();
    const device = await boot(w, 'core-8', new FakeStore());
    w.broker.deliver('$aws/things/core-8/jobs/$next/get/accepted', { execution: { jobId: 'j/1', status: 'QUEUED' } });
    await device.rotator.settled();
    expect(device.rotator.state()).toBe('GettingJob');
    expect(device.logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'Ignoring invalid message',
        fields: expect.objectContaining({ error: expect.stringMatching(/^execution\.jobId: /) }),
      }),
    );
  });

  it('stop() ends handling and leaves no timer behind', async () => {
    const w = world();
    const device = await boot(w, 'core-9', new FakeStore());
    await device.rotator.stop();
    expect(w.clock.pending()).toBe(0);
    cloud(w, 'core-9').pendingJob(JOB, 'QUEUED');
    await device.rotator.settled();
    expect(sent(w, 'core-9')).toHaveLength(1);
  });
});

describe('many instances in one process', () => {
  it('two devices on one broker and clock do not interfere', async () => {
    const w = world();
    const storeA = new FakeStore();
    const storeB = new FakeStore();
    const a = await accepted(w, 'fleet-a', storeA);
    const b = await boot(w, 'fleet-b', storeB);
    cloud(w, 'fleet-b').noPendingJob();
    await b.rotator.settled();
    expect(a.device.rotator.state()).toBe('CreatingCertificate');
    expect(b.rotator.state()).toBe('Idle');
    expect(sent(w, 'fleet-b')).toEqual(['$aws/things/fleet-b/jobs/$next/get {}']);

    // B starts its own job; A's timer expires; each keeps to its own job and store.
    cloud(w, 'fleet-b').notifyNext('job-b');
    await b.rotator.settled();
    w.clock.advance(30_000);
    await a.device.rotator.settled();
    await b.rotator.settled();
    expect(sent(w, 'fleet-a').at(-1)).toBe(
      `$aws/things/fleet-a/jobs/${JOB}/update ${failed('Comms failure when creating new certificate.')}`,
    );
    expect(sent(w, 'fleet-b').at(-1)).toBe(
      '$aws/things/fleet-b/jobs/job-b/update {"status":"IN_PROGRESS","statusDetails":{"CertificateRotator":true}}',
    );
    expect(a.device.rotator.state()).toBe('Idle');
    expect(b.rotator.state()).toBe('Idle');
    // At start-up, and when its $next/get reply came without a job to resume.
    expect(storeB.calls).toEqual(['backupExists', 'backupExists']);
    expect(a.device.logger.text()).not.toContain('fleet-b');
  });
});
