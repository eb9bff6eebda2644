import { describe, expect, it } from 'vitest';
import type { JobExecution } from '../../../shared/contract/index.js';
import { rotation, THING } from '../../test/support/fsm-fixtures.js';
import { row } from './row.js';
import type { RotatorEvent, RotatorState } from './types.js';

const IDLE: RotatorState = { thingName: THING, name: 'Idle' };
const carriesExecution = (event: { execution?: JobExecution }): event is { execution: JobExecution } => event.execution !== undefined;

describe('row', () => {
  it('a guarded row applies only when the guard holds, and its effects see what the guard proved', () => {
    const guarded = row({
      id: 'test.guarded',
      from: 'Idle',
      on: ['notifyNext'],
      to: 'UpdatingJob',
      does: 'take the job',
      guard: carriesExecution,
      effects: (event) => ({ jobId: event.execution.jobId, actions: [] }),
    });
    const withJob: RotatorEvent = { type: 'notifyNext', execution: rotation('QUEUED', 'job-1') };
    expect(guarded.when?.({ type: 'notifyNext' }, IDLE)).toBe(false);
    expect(guarded.when?.(withJob, IDLE)).toBe(true);
    expect(guarded.effects(withJob, IDLE).jobId).toBe('job-1');
  });

  it('guard and when must both hold', () => {
    const both = row({
      id: 'test.both',
      from: 'Idle',
      on: ['notifyNext'],
      to: 'UpdatingJob',
      does: 'take the job',
      guard: carriesExecution,
      when: (event) => event.execution?.status === 'QUEUED',
    });
    expect(both.when?.({ type: 'notifyNext', execution: rotation('IN_PROGRESS') }, IDLE)).toBe(false);
    expect(both.when?.({ type: 'notifyNext', execution: rotation('QUEUED') }, IDLE)).toBe(true);
  });

  it('the types refuse reading an execution no guard proved, and a guard for events that cannot carry one', () => {
    row({
      id: 'test.unguarded',
      from: 'Idle',
      on: ['notifyNext'],
      to: 'UpdatingJob',
      does: 'take the job',
      // @ts-expect-error: without a guard the execution may be absent.
      effects: (event) => ({ jobId: event.execution.jobId, actions: [] }),
    });
    row({
      id: 'test.wrongEvent',
      from: 'Idle',
      on: ['timeout'],
      to: 'Idle',
      does: 'nothing',
      // @ts-expect-error: a timeout carries no execution.
      guard: carriesExecution,
    });
  });
});
