/** Execution states in display order, each with its bar symbol; QUEUED and undispatched things show as '.'. */
const STATES: ReadonlyArray<[string, string]> = [
  ['SUCCEEDED', '#'],
  ['FAILED', 'x'],
  ['TIMED_OUT', 't'],
  ['REJECTED', 'r'],
  ['REMOVED', '-'],
  ['CANCELED', 'c'],
  ['IN_PROGRESS', '>'],
  ['QUEUED', '.'],
];
const NOT_ENDED = new Set(['IN_PROGRESS', 'QUEUED']);

/**
 * One line showing how many executions are in each state, e.g.
 * `[####>>>...] 4/10 done | SUCCEEDED 4 IN_PROGRESS 3 QUEUED 3`.
 */
export function renderProgress(counts: Record<string, number>, total: number, width = 30): string {
  const slots = Math.max(1, total);
  const bar = STATES.map(([status, symbol]) => symbol.repeat(Math.round(((counts[status] ?? 0) / slots) * width)))
    .join('')
    .slice(0, width)
    .padEnd(width, '.');
  const ended = Object.entries(counts).reduce((sum, [status, n]) => sum + (NOT_ENDED.has(status) ? 0 : n), 0);
  const detail = STATES.filter(([status]) => counts[status])
    .map(([status]) => `${status} ${counts[status]}`)
    .join(' ');
  return `[${bar}] ${ended}/${total} done | ${detail || 'waiting for executions'}`;
}

/** A count towards a total, e.g. `[######........] 120/300 cores provisioned (14 s)`. */
export function renderCount(done: number, total: number, what: string, elapsedMs?: number, width = 30): string {
  const filled = Math.round((Math.min(done, total) / Math.max(1, total)) * width);
  const elapsed = elapsedMs === undefined ? '' : ` (${Math.round(elapsedMs / 1000)} s)`;
  return `[${'#'.repeat(filled).padEnd(width, '.')}] ${done}/${total} ${what}${elapsed}`;
}

/** Where a progress line goes: a terminal (redrawn in place) or any other text sink. */
export type ProgressStream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };

/** Redraws one status line on a terminal; prints whole lines, at most every few seconds, elsewhere. */
export class ProgressLine {
  private lastPrinted = 0;
  private lastText = '';
  private printedText = '';

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    private readonly minIntervalMs = 5000,
  ) {}

  update(text: string): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${text}`);
    } else if (text !== this.lastText && Date.now() - this.lastPrinted >= this.minIntervalMs) {
      this.stream.write(`${text}\n`);
      this.lastPrinted = Date.now();
      this.printedText = text;
    }
    this.lastText = text;
  }

  /** Leaves the last state on screen and moves to a new line. */
  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
    else if (this.lastText && this.lastText !== this.printedText) this.stream.write(`${this.lastText}\n`);
  }
}
