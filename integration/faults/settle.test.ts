import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsStandIn, stderrLogger, thingArn, type AwsStandIn } from '../aws/index.js';
import type { FaultCore } from './fault-cores.js';
import { untilSettled, type CaseTiming } from './settle.js';

const THING = 'settle-core';
const TIMING: CaseTiming = { componentTimeoutMs: 50, inProgressTimeoutMs: 60_000, downtimeMs: 100, stuckAfterMs: 400 };

/** A core whose component reports the states the test gives it; nothing else of it is used. */
function coreIn(state: () => string, restarts: () => number = () => 0): FaultCore {
  return {
    thingName: THING,
    mode: 'inline',
    power: { on: true },
    onChange: undefined,
    restartPolicy: undefined,
    rotatorState: () => Promise.resolve(state()),
    running: { restarts } as unknown as FaultCore['running'],
  };
}

describe('waiting for a fault case to settle', () => {
  let standIn: AwsStandIn;
  let jobs = 0;

  beforeAll(async () => {
    standIn = await startAwsStandIn({ logger: stderrLogger('error'), http: false });
    standIn.model.registry.things.createThing(THING);
  });
  afterAll(async () => {
    await standIn.close();
  });

  const newJob = (): string => {
    const jobId = `settle-job-${++jobs}`;
    standIn.model.jobs.createJob({ jobId, document: '{"operation":"ROTATE_CERTIFICATE"}', targets: [thingArn(standIn.model, THING)] });
    return jobId;
  };

  it('gives up on a component that stays in one state past its timers, naming the state and the execution', async () => {
    const jobId = newJob();
    const report = await untilSettled(
      standIn,
      coreIn(() => 'CommittingCertificate'),
      jobId,
      TIMING,
      () => false,
    );
    expect(report.unsettled).toMatch(/^the component stayed in CommittingCertificate for \d+ s, past its state timer; execution QUEUED$/);
    expect(report.lastState).toBe('CommittingCertificate');
    standIn.model.jobs.cancelJob(jobId, { force: true });
  });

  it('does not count a component that keeps restarting into the same state as stuck in it', async () => {
    const jobId = newJob();
    let polls = 0;
    let state = 'GettingJob';
    // A new restart at each look, until the job ends and the component rests in Idle.
    const core = coreIn(
      () => state,
      () => ++polls,
    );
    const settled = untilSettled(standIn, core, jobId, TIMING, () => false);
    await expect.poll(() => polls).toBeGreaterThan(10);
    standIn.model.jobs.cancelJob(jobId, { force: true });
    state = 'Idle';
    const report = await settled;
    expect(report.unsettled).toBeUndefined();
    expect(report.lastState).toBe('Idle');
  });
});
