import { describe, expect, it } from 'vitest';
import { FAILURE_REASONS } from '../../component/src/fsm/index.js';
import { adviceFor, timedOutCores } from './advice.js';
import { formatSummary, type DemoRotation, type DemoSummary } from './summary.js';

function summary(rotations: DemoRotation[], overrides: Partial<DemoSummary> = {}): DemoSummary {
  return {
    devices: rotations.length,
    nucleus: 'inline',
    issuer: 'iot',
    keyAlgorithm: 'RSA-2048',
    signingAlgorithm: 'SHA256WITHRSA',
    hsm: false,
    backendDeployment: 'template',
    minuteScale: 2,
    rolloutPerMinute: 10,
    componentTimerScale: 1,
    componentDeployment: 'inline',
    jobId: 'demo-rotation-1',
    succeeded: rotations.filter((r) => r.status === 'SUCCEEDED').length,
    failed: rotations.filter((r) => r.status === 'FAILED').length,
    timedOut: rotations.filter((r) => r.status === 'TIMED_OUT').length,
    unfinished: 0,
    oldCertificatesDeleted: 0,
    bricked: 0,
    registryInconsistent: 0,
    awaitingNextRotation: 0,
    extraCertificates: 0,
    notifications: [],
    rotations,
    wallSeconds: 12.3,
    ...overrides,
  };
}

const core = (thingName: string, status: string, reason?: string): DemoRotation => ({
  thingName,
  status,
  oldCertificateId: 'a'.repeat(64),
  ...(reason ? { reason } : {}),
});

describe('the demo says why cores failed', () => {
  it("shows each failed core's reason under it in the summary", () => {
    const text = formatSummary(summary([core('Core-1', 'SUCCEEDED'), core('Core-2', 'FAILED', FAILURE_REASONS.createRejected)]));
    expect(text).toMatch(/Core-2 +FAILED[^\n]*\n +reason: Create was rejected\./);
    expect(text).not.toMatch(/Core-1[^\n]*\n +reason/);
  });

  it('counts replies that came too late, job timeouts and unfinished executions as out of time', () => {
    const rotations = [
      core('a', 'FAILED', FAILURE_REASONS.createTimeout),
      core('b', 'FAILED', FAILURE_REASONS.commitTimeout),
      core('c', 'FAILED', FAILURE_REASONS.commitTimeoutNoBackup),
      core('d', 'TIMED_OUT'),
      core('e', 'IN_PROGRESS'),
      core('f', 'FAILED', FAILURE_REASONS.createRejected),
      core('g', 'FAILED', FAILURE_REASONS.csr),
      core('h', 'SUCCEEDED'),
    ];
    expect(timedOutCores(summary(rotations))).toBe(5);
  });

  it('gives no advice when nothing ran out of time', () => {
    expect(
      adviceFor(summary([core('a', 'SUCCEEDED'), core('b', 'FAILED', FAILURE_REASONS.createRejected)]), { cpus: 2, loadAverage: 9 }),
    ).toEqual([]);
  });

  it('says the machine is busy, and what to try, when cores ran out of time', () => {
    const advice = adviceFor(summary([core('a', 'FAILED', FAILURE_REASONS.createTimeout), core('b', 'SUCCEEDED')]), {
      cpus: 2,
      loadAverage: 6.4,
    }).join('\n');
    expect(advice).toContain('1 of 2 cores ran out of time');
    expect(advice).toContain('load average 6.4 on 2 CPU cores');
    expect(advice).toContain('--rollout');
    expect(advice).toContain('--keep');
    expect(advice).not.toContain('--experimental-timer-scale');
  });

  it('points at the flags that shortened the time, when they were given', () => {
    const advice = adviceFor(summary([core('a', 'TIMED_OUT')], { componentTimerScale: 10, minuteScale: 20, workDir: '/tmp/run-x' }), {
      cpus: 2,
      loadAverage: 0.5,
    }).join('\n');
    expect(advice).toContain("leave out --experimental-timer-scale: it cut the component's 30 s timeouts to 3.0 s");
    expect(advice).toContain('a smaller --minute-scale (20 leaves 15 s');
    expect(advice).toContain('/tmp/run-x');
    expect(advice).not.toContain('load average');
  });
});
