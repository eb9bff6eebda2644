import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionTopics } from '../../../shared/contract/index.js';
import { createSystemClock } from './rotator.js';
import { FakeStore } from '../../test/support/fake-store.js';
import { boot, cloud, world } from '../../test/support/rotator-harness.js';

const THING = 'core-1';
const JOB = 'rotate-2024-01';

let dir: string;
let newCertificatePem: string;
let newCertificateId: string;

beforeAll(() => {
  // A real certificate, so that the log can be checked for its id and the absence of its PEM.
  dir = mkdtempSync(join(tmpdir(), 'rotator-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-subj',
      `/CN=${THING}`,
      '-days',
      '1',
    ],
    { stdio: 'pipe' },
  );
  newCertificatePem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const fingerprint = execFileSync('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', '-fingerprint', '-sha256'], {
    encoding: 'utf8',
  });
  newCertificateId = (fingerprint.split('=')[1] ?? '').trim().replaceAll(':', '').toLowerCase();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a rotation from job to commit, across a restart', () => {
  it('publishes exactly the original wire payloads, installs, restarts, commits and succeeds', async () => {
    const w = world();
    const store = new FakeStore();
    const aws = cloud(w, THING);

    // First run: no backup, nothing pending.
    const first = await boot(w, THING, store, { keyAlgorithm: 'ECDSA-P256', signingAlgorithm: 'ECDSA-WITH-SHA256' });
    expect(w.broker.subscriptions.map((s) => [s.filter, s.qos])).toEqual(subscriptionTopics(THING).map((t) => [t, 1]));
    expect(first.rotator.state()).toBe('GettingJob');
    aws.noPendingJob();
    await first.rotator.settled();
    expect(first.rotator.state()).toBe('Idle');

    aws.notifyNext(JOB);
    await first.rotator.settled();
    expect(first.rotator.state()).toBe('UpdatingJob');
    aws.updateAccepted(JOB);
    await first.rotator.settled();
    // Asked at start-up, and again when the $next/get reply came without a job to resume.
    expect(store.calls).toEqual([
      'backupExists',
      'backupExists',
      'checkSupported ECDSA-P256 ECDSA-WITH-SHA256',
      'createCsr ECDSA-P256 ECDSA-WITH-SHA256',
    ]);
    expect(first.rotator.state()).toBe('CreatingCertificate');

    aws.createAccepted(newCertificatePem);
    await first.rotator.settled();
    expect(store.installed).toEqual({ certificate: newCertificatePem, key: 'new-key-1' });
    expect(store.backup).toEqual({ certificate: 'old-certificate', key: 'old-key' });
    expect(first.restarts).toBe(1);
    expect(first.rotator.state()).toBe('Stopped');

    const csr = '-----BEGIN CERTIFICATE REQUEST-----\\nCSR-FOR-new-key-1\\n-----END CERTIFICATE REQUEST-----\\n';
    expect(w.broker.from(THING).map((p) => [p.topic, p.payload, p.qos])).toEqual([
      [`$aws/things/${THING}/jobs/$next/get`, '{}', 0],
      [`$aws/things/${THING}/jobs/${JOB}/update`, '{"status":"IN_PROGRESS","statusDetails":{"CertificateRotator":true}}', 0],
      [`awslabs/things/${THING}/certificate/create`, `{"jobId":"${JOB}","csr":"${csr}"}`, 0],
    ]);

    // The old instance handles nothing more, and left no timer behind.
    aws.notifyNext('another-job');
    await first.rotator.settled();
    expect(w.broker.published).toHaveLength(3);
    expect(w.clock.pending()).toBe(0);

    // Greengrass restarted: a new instance on the same disk, with a new connection.
    await w.broker.client(THING).close();
    w.broker.published.length = 0;
    const second = await boot(w, THING, store);
    expect(second.rotator.state()).toBe('GettingJob');
    aws.pendingJob(JOB, 'IN_PROGRESS');
    await second.rotator.settled();
    expect(second.rotator.state()).toBe('CommittingCertificate');
    aws.commitAccepted();
    await second.rotator.settled();
    expect(second.rotator.state()).toBe('ReportingSuccess');
    aws.updateAccepted(JOB);
    await second.rotator.settled();

    expect(second.rotator.state()).toBe('Idle');
    expect(store.backup).toBeUndefined();
    expect(store.installed.certificate).toBe(newCertificatePem);
    expect(w.broker.from(THING).map((p) => [p.topic, p.payload, p.qos])).toEqual([
      [`$aws/things/${THING}/jobs/$next/get`, '{}', 0],
      [`awslabs/things/${THING}/certificate/commit`, `{"jobId":"${JOB}"}`, 0],
      [`$aws/things/${THING}/jobs/${JOB}/update`, '{"status":"SUCCEEDED"}', 0],
    ]);
    expect(store.calls.slice(-2)).toEqual(['backupExists', 'deleteBackup']);
    expect(second.restarts).toBe(0);
    expect(w.clock.pending()).toBe(0);

    // Logs name the thing, the job and the new certificate's id, and never carry PEMs.
    const log = first.logger.text() + second.logger.text();
    expect(log).not.toContain('BEGIN');
    expect(first.logger.entries).toContainEqual(
      expect.objectContaining({ fields: expect.objectContaining({ thingName: THING, jobId: JOB, newCertificateId }) }),
    );
    expect(first.logger.entries).toContainEqual(
      expect.objectContaining({
        message: 'State changed',
        fields: expect.objectContaining({ from: 'CreatingCertificate', to: 'Stopped' }),
      }),
    );
  });

  it('a job queued before start-up is picked up from $next/get', async () => {
    const w = world();
    const device = await boot(w, THING, new FakeStore());
    cloud(w, THING).pendingJob(JOB, 'QUEUED');
    await device.rotator.settled();
    expect(device.rotator.state()).toBe('UpdatingJob');
    expect(w.broker.published.at(-1)?.topic).toBe(`$aws/things/${THING}/jobs/${JOB}/update`);
  });
});

describe('createSystemClock', () => {
  it('runs and cancels real timers', async () => {
    const clock = createSystemClock();
    const fired: string[] = [];
    const cancelled = clock.setTimeout(() => fired.push('cancelled'), 1);
    clock.clearTimeout(cancelled);
    await new Promise<void>((resolve) =>
      clock.setTimeout(() => {
        fired.push('fired');
        resolve();
      }, 1),
    );
    expect(fired).toEqual(['fired']);
  });
});
