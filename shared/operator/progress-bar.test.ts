import { describe, expect, it } from 'vitest';
import { ProgressLine, renderCount, renderProgress } from './progress-bar.js';

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

describe('renderCount', () => {
  it('fills the bar in proportion and says what is counted and for how long', () => {
    expect(renderCount(5, 10, 'cores provisioned', 12_400, 10)).toBe('[#####.....] 5/10 cores provisioned (12 s)');
    expect(renderCount(0, 0, 'cores checked', undefined, 4)).toBe('[....] 0/0 cores checked');
  });
});

describe('ProgressLine', () => {
  it('redraws in place on a terminal and ends with a new line', () => {
    const written: string[] = [];
    const line = new ProgressLine({ isTTY: true, write: (t: string) => written.push(t) > 0 });
    line.update('a');
    line.update('b');
    line.finish();
    expect(written).toEqual(['\r\x1b[2Ka', '\r\x1b[2Kb', '\n']);
  });

  it('prints whole lines elsewhere, at most one per interval, and always the last one', () => {
    const written: string[] = [];
    const line = new ProgressLine({ write: (t: string) => written.push(t) > 0 }, 60_000);
    line.update('first');
    line.update('second');
    line.update('third');
    line.finish();
    expect(written).toEqual(['first\n', 'third\n']);
  });
});
