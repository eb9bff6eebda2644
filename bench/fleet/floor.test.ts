import { describe, expect, it } from 'vitest';
import { awsFloor } from './floor.js';
import type { FleetResult } from './result.js';

function result(devices: number, apiCalls: Record<string, number>, minuteMs = 60_000, succeeded = devices): FleetResult {
  return {
    spec: {
      devices,
      keyAlgorithm: 'ECDSA-P256',
      signingAlgorithm: 'ECDSA-WITH-SHA256',
      clockScale: 1,
      minuteScale: 60_000 / minuteMs,
      throttled: true,
      rolloutPerMinute: 1000,
    },
    minuteMs,
    setupMs: 0,
    wallMs: 0,
    rotationsPerSecond: 0,
    statuses: { SUCCEEDED: succeeded },
    unfinished: 0,
    unsettled: 0,
    unsettledCores: [],
    bricked: 0,
    brickedReasons: [],
    registryInconsistent: 0,
    registryProblems: [],
    awaitingNextRotation: 0,
    baselineRssBytes: 0,
    baselineHeapUsedBytes: 0,
    peakRssBytes: 0,
    peakHeapUsedBytes: 0,
    memorySamples: 0,
    apiCalls,
    throttledCalls: {},
    handlers: {},
  };
}

describe('awsFloor', () => {
  it('is the rollout when no quota needs longer', () => {
    const floor = awsFloor(result(1000, { 'iot:AttachThingPrincipal': 1000 }));
    expect(floor.rolloutMs).toBe(60_000);
    expect(floor.floorMs).toBe(60_000);
  });

  it('is the tightest account-wide quota when that needs longer, summing operations that share it', () => {
    const floor = awsFloor(
      result(1000, {
        'iot:ListThingPrincipalsV2': 4000,
        'iot:AttachThingPrincipal': 1000,
        'iot-jobs-data:DescribeJobExecution': 3000,
        'iot-jobs-data:GetPendingJobExecutions': 3000,
      }),
    );
    expect(floor.tightestQuota).toMatchObject({
      operations: 'iot:ListThingPrincipalsV2',
      ratePerSecond: 10,
      calls: 4000,
      callsPerRotation: 4,
    });
    expect(floor.floorMs).toBe(400_000);
  });

  it('leaves out per-thing quotas and scales with a shortened minute', () => {
    const floor = awsFloor(result(100, { 'iot-data:GetThingShadow': 100_000, 'iot:DeleteCertificate': 100 }, 6_000));
    expect(floor.tightestQuota?.operations).toBe('iot:DeleteCertificate');
    expect(floor.floorMs).toBe(1_000);
  });

  it('is exact only when every rotation succeeded, since a rotation that ended early made fewer calls', () => {
    expect(awsFloor(result(10, { 'iot:DeleteCertificate': 10 })).exact).toBe(true);
    expect(awsFloor(result(10, { 'iot:DeleteCertificate': 4 }, 60_000, 4)).exact).toBe(false);
  });
});
