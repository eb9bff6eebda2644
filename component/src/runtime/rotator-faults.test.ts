import { describe, expect, it } from 'vitest';
import { subscriptionTopics } from '../../../shared/contract/index.js';
import { startRotator } from './rotator.js';
import { FakeStore } from '../../test/support/fake-store.js';
import { boot, cloud, prepare, world, type World } from '../../test/support/rotator-harness.js';

const THING = 'core-9';
const JOB = 'job-1';
const UPDATE = `$aws/things/${THING}/jobs/${JOB}/update`;
/** The FAILED update, naming the certificate the fake store keeps (its certificates are their own ids). */
const failed = (reason: string, kept = 'old-certificate') =>
  `{"status":"FAILED","statusDetails":{"CertificateRotator":true,"DeviceFailureReason":"${reason}","KeptCertificateId":"${kept}"}}`;
const payloads = (w: World, topic = UPDATE) => w.broker.published.filter((p) => p.topic === topic).map((p) => p.payload);

/** A device that has just published `create` for JOB. */
async function creating(store = new FakeStore()) {
  const w = world();
  const device = await boot(w, THING, store);
  const aws = cloud(w, THING);
  aws.noPendingJob();
  aws.notifyNext(JOB);
  aws.updateAccepted(JOB);
  await device.rotator.settled();
  expect(device.rotator.state()).toBe('CreatingCertificate');
  return { w, device, aws, store };
}

/** A device restarted after installing, that has just published `commit` for JOB. */
async function committing() {
  const w = world();
  const store = new FakeStore();
  store.backup = { certificate: 'old-certificate', key: 'old-key' };
  store.installed = { certificate: 'new-certificate', key: 'new-key' };
  const device = await boot(w, THING, store);
  const aws = cloud(w, THING);
  aws.pendingJob(JOB, 'IN_PROGRESS');
  await device.rotator.settled();
  expect(device.rotator.state()).toBe('CommittingCertificate');
  return { w, device, aws, store };
}

describe('rejections', () => {
  it('create/rejected fails the job and keeps the old credentials', async () => {
    const { w, device, aws, store } = await creating();
    aws.createRejected();
    await device.rotator.settled();
    expect(payloads(w)).toContain(failed('Create was rejected.'));
    expect(device.rotator.state()).toBe('Idle');
    expect(store.installed.certificate).toBe('old-certificate');
    expect(device.restarts).toBe(0);
  });

  it('commit/rejected fails the job, rolls back and restarts', async () => {
    const { w, device, aws, store } = await committing();
    aws.commitRejected();
    await device.rotator.settled();
    expect(payloads(w)).toEqual([failed('Commit was rejected. Rollback and restart.')]);
    expect(store.installed).toEqual({ certificate: 'old-certificate', key: 'old-key' });
    expect(store.backup).toBeUndefined();
    expect(device.restarts).toBe(1);
  });

  it('update/rejected goes back to Idle without creating a key', async () => {
    const w = world();
    const store = new FakeStore();
    const device = await boot(w, THING, store);
    cloud(w, THING).pendingJob(JOB, 'QUEUED');
    cloud(w, THING).updateRejected(JOB);
    await device.rotator.settled();
    expect(device.rotator.state()).toBe('Idle');
    expect(store.calls).not.toContain('createCsr RSA-2048 SHA256WITHRSA');
  });

  it('get/rejected after a restart with a backup rolls back and restarts (issue #68)', async () => {
    const w = world();
    const store = new FakeStore();
    store.backup = { certificate: 'old-certificate', key: 'old-key' };
    const device = await boot(w, THING, store);
    cloud(w, THING).getRejected();
    await device.rotator.settled();
    expect(store.calls).toContain('rollback');
    expect(device.restarts).toBe(1);
  });

  it('update replies for another job are ignored', async () => {
    const w = world();
    const device = await boot(w, THING, new FakeStore());
    const aws = cloud(w, THING);
    aws.noPendingJob();
    aws.notifyNext(JOB);
    aws.updateAccepted('some-other-job');
    aws.updateRejected('some-other-job');
    await device.rotator.settled();
    expect(device.rotator.state()).toBe('UpdatingJob');
  });
});

describe('timeouts (30 s per state)', () => {
  it('no create reply: fails the job only once 30 s have passed', async () => {
    const { w, device } = await creating();
    w.clock.advance(29_999);
    await device.rotator.settled();
    expect(device.rotator.state()).toBe('CreatingCertificate');
    w.clock.advance(1);
    await device.rotator.settled();
    expect(payloads(w)).toContain(failed('Comms failure when creating new certificate.'));
    expect(device.rotator.state()).toBe('Idle');
  });

  it('no commit reply: fails the job, rolls back, restarts', async () => {
    const { w, device, store } = await committing();
    w.clock.advance(30_000);
    await device.rotator.settled();
    expect(payloads(w)).toEqual([failed('Comms failure when committing new certificate. Rollback and restart.')]);
    expect(store.installed.certificate).toBe('old-certificate');
    expect(device.restarts).toBe(1);
  });

  // The fault matrix's stranded core: restarted on the new certificate with a backup, it published its
  // commit and its connection dropped under that publish, which then never returned. The state
  // timer's timeout must not wait behind it, or the core stays on a certificate the backend retires
  // once the job times out.
  it('a commit publish that never returns still times out after 30 s, fails the job, rolls back and restarts', async () => {
    const w = world();
    const store = new FakeStore();
    store.backup = { certificate: 'old-certificate', key: 'old-key' };
    store.installed = { certificate: 'new-certificate', key: 'new-key' };
    const commitTopic = `awslabs/things/${THING}/certificate/commit`;
    w.broker.onPublish = (_, topic) => (topic === commitTopic ? 'hang' : 'accept');
    const device = prepare(w, THING, store);
    const starting = startRotator(device.deps);
    await expect.poll(() => payloads(w, `$aws/things/${THING}/jobs/$next/get`)).toEqual(['{}']);
    cloud(w, THING).pendingJob(JOB, 'IN_PROGRESS');
    await expect.poll(() => payloads(w, commitTopic)).toHaveLength(1);
    expect(device.logger.entries).toContainEqual(
      expect.objectContaining({ message: 'State changed', fields: expect.objectContaining({ to: 'CommittingCertificate' }) }),
    );

    w.clock.advance(29_999);
    expect(device.restarts).toBe(0);
    w.clock.advance(1);
    const rotator = await starting;
    await rotator.settled();
    expect(device.logger.entries).toContainEqual(
      expect.objectContaining({ message: 'Publish failed', fields: expect.objectContaining({ topic: commitTopic }) }),
    );
    expect(payloads(w)).toEqual([failed('Comms failure when committing new certificate. Rollback and restart.')]);
    expect(store.installed).toEqual({ certificate: 'old-certificate', key: 'old-key' });
    expect(store.backup).toBeUndefined();
    expect(device.restarts).toBe(1);
    expect(rotator.state()).toBe('Stopped');
  });

  it('no $next/get reply: with a backup rolls back and restarts, without goes Idle', async () => {
    const withBackup = world();
    const store = new FakeStore();
    store.backup = { certificate: 'old-certificate', key: 'old-key' };
    const a = await boot(withBackup, THING, store);
    withBackup.clock.advance(30_000);
    await a.rotator.settled();
    expect(store.installed.certificate).toBe('old-certificate');
    expect(a.restarts).toBe(1);

    const without = world();
    const b = await boot(without, THING, new FakeStore());
    without.clock.advance(30_000);
    await b.rotator.settled();
    expect(b.rotator.state()).toBe('Idle');
    expect(b.restarts).toBe(0);
  });

  it('no IN_PROGRESS reply: back to Idle', async () => {
    const w = world();
    const device = await boot(w, THING, new FakeStore());
    cloud(w, THING).pendingJob(JOB, 'QUEUED');
    await device.rotator.settled();
    w.clock.advance(30_000);
    await device.rotator.settled();
    expect(device.rotator.state()).toBe('Idle');
  });
});

describe('start-up recovery', () => {
  it('a failed subscription without a backup is retried after 10 s, for the missing topics only', async () => {
    const w = world();
    let refusals = 1;
    w.broker.onSubscribe = (_, filter) => (filter.endsWith('/update/accepted') && refusals-- > 0 ? new Error('not authorized') : 'accept');
    const device = await boot(w, THING, new FakeStore());
    expect(device.rotator.state()).toBe('Starting');
    expect(w.broker.published).toEqual([]);
    w.clock.advance(9_999);
    await device.rotator.settled();
    expect(w.broker.published).toEqual([]);
    w.clock.advance(1);
    await device.rotator.settled();
    expect(device.rotator.state()).toBe('GettingJob');
    expect(w.broker.subscriptions.map((s) => s.filter).sort()).toEqual([...subscriptionTopics(THING)].sort());
    expect(payloads(w, `$aws/things/${THING}/jobs/$next/get`)).toEqual(['{}']);
  });

  it('a subscription that never answers counts as failed after 30 s, then is retried', async () => {
    const w = world();
    let hang = true;
    w.broker.onSubscribe = () => (hang ? 'hang' : 'accept');
    const device = prepare(w, THING, new FakeStore());
    const starting = startRotator(device.deps);
    await expect.poll(() => w.clock.pending() === 1).toBe(true);
    hang = false;
    w.clock.advance(30_000);
    const rotator = await starting;
    expect(rotator.state()).toBe('Starting');
    expect(device.logger.entries).toContainEqual(expect.objectContaining({ message: 'Subscription failed; retrying in 10 s' }));
    w.clock.advance(10_000);
    await rotator.settled();
    expect(rotator.state()).toBe('GettingJob');
    expect(w.broker.subscriptions).toHaveLength(9);
  });

  it('a failed subscription with a backup rolls back and restarts without publishing', async () => {
    const w = world();
    w.broker.onSubscribe = () => new Error('connection refused');
    const store = new FakeStore();
    store.backup = { certificate: 'old-certificate', key: 'old-key' };
    store.installed = { certificate: 'new-certificate', key: 'new-key' };
    const device = await boot(w, THING, store);
    expect(device.rotator.state()).toBe('Stopped');
    expect(store.installed.certificate).toBe('old-certificate');
    expect(device.restarts).toBe(1);
    expect(w.broker.published).toEqual([]);
  });

  it('a backup with mismatched credentials (power cut while installing) rolls back before subscribing', async () => {
    const w = world();
    const store = new FakeStore();
    store.backup = { certificate: 'old-certificate', key: 'old-key' };
    store.installed = { certificate: 'new-certificate', key: 'old-key' };
    store.matching = false;
    const device = await boot(w, THING, store);
    expect(store.calls).toEqual(['backupExists', 'installedCredentialsMatch', 'rollback']);
    expect(store.installed).toEqual({ certificate: 'old-certificate', key: 'old-key' });
    expect(w.broker.subscriptions).toEqual([]);
    expect(device.restarts).toBe(1);
  });

  it('refuses an invalid thing name, naming the field', async () => {
    const w = world();
    const { deps } = await boot(w, 'ok', new FakeStore());
    await expect(startRotator({ ...deps, thingName: 'a/b' })).rejects.toThrow(/^thingName: /);
  });
});
