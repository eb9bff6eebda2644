import { describe, expect, it } from 'vitest';
import { renderProgress } from './progress-bar.js';

describe('renderProgress', () => {
  it('shows ended, running and waiting executions in proportion', () => {
    expect(renderProgress({ SUCCEEDED: 4, IN_PROGRESS: 3, QUEUED: 3 }, 10, 10)).toBe(
      '[####>>>...] 4/10 done | SUCCEEDED 4 IN_PROGRESS 3 QUEUED 3',
    );
  });

  it('counts failures and timeouts as done', () => {
    expect(renderProgress({ SUCCEEDED: 1, FAILED: 1, TIMED_OUT: 2 }, 4, 4)).toBe('[#xtt] 4/4 done | SUCCEEDED 1 FAILED 1 TIMED_OUT 2');
  });

  it('says when nothing has been dispatched yet', () => {
    expect(renderProgress({}, 3, 3)).toBe('[...] 0/3 done | waiting for executions');
  });
});
