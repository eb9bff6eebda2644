import type { CaseResult } from './case-runner.js';
import type { Issuer } from './matrix.js';
import type { StoreKind } from './fault-cores.js';

export type MatrixCase = CaseResult & { store: StoreKind; issuer: Issuer };

/** The matrix in figures; `bricked`, `registryInconsistent` and `orphanCertificates` must be 0. */
export interface MatrixSummary {
  cases: number;
  succeeded: number;
  rolledBack: number;
  timedOut: number;
  keptNew: number;
  unsettled: number;
  eventLost: number;
  /** Unsettled and lost-event cases whose next rotation settled them (left one certificate). */
  settledByNextRotation: number;
  /** Jobs left QUEUED (their announcement lost) that a restart of the core resumed. */
  resumedByRestart: number;
  /** Cases whose fault never happened (the run did not pass that point). */
  notApplied: number;
  bricked: number;
  registryInconsistent: number;
  orphanCertificates: number;
  /** Cases with any broken invariant, these three included. */
  violated: number;
  seconds: number;
}

export function summarize(cases: readonly MatrixCase[], seconds: number): MatrixSummary {
  const count = (test: (c: MatrixCase) => boolean): number => cases.filter(test).length;
  return {
    cases: cases.length,
    succeeded: count((c) => c.outcome === 'succeeded'),
    rolledBack: count((c) => c.outcome === 'rolledBack'),
    timedOut: count((c) => c.outcome === 'timedOut'),
    keptNew: count((c) => c.outcome === 'keptNew'),
    unsettled: count((c) => c.outcome === 'unsettled'),
    eventLost: count((c) => c.outcome === 'eventLost'),
    settledByNextRotation: count((c) => c.settledByNextRotation === true),
    resumedByRestart: count((c) => c.settle.resumedByRestart),
    notApplied: count((c) => !c.applied),
    bricked: count((c) => c.bricked),
    registryInconsistent: count((c) => c.registryInconsistent),
    orphanCertificates: cases.reduce((sum, c) => sum + c.orphanCertificates.length, 0),
    violated: count((c) => c.violations.length > 0),
    seconds: Math.round(seconds),
  };
}

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));

/** One line per case, then the totals. */
export function formatTable(cases: readonly MatrixCase[], summary: MatrixSummary): string {
  const header = `${pad('store', 7)}${pad('issuer', 7)}${pad('mode', 8)}${pad('fault', 15)}${pad('outcome', 12)}${pad('s', 6)}point`;
  const lines = cases.map((c) => {
    const notes = [
      ...(c.applied ? [] : ['fault not reached']),
      ...(c.settle.resumedByRestart ? ['resumed by a restart'] : []),
      ...(c.settledByNextRotation === undefined
        ? []
        : [c.settledByNextRotation ? 'settled by the next rotation' : 'NOT settled by the next rotation']),
      ...(c.facts.reason ? [`reason: ${c.facts.reason}`] : []),
      ...c.violations.map((v) => `VIOLATION: ${v}`),
    ];
    const scenario = c.scenario === 'rollback' ? '[rollback] ' : '';
    return `${pad(c.store, 7)}${pad(c.issuer, 7)}${pad(c.mode, 8)}${pad(c.kind, 15)}${pad(c.outcome, 12)}${pad(c.seconds.toFixed(0), 6)}${scenario}${c.point}${notes.length ? `\n${' '.repeat(55)}${notes.join('; ')}` : ''}`;
  });
  const totals = Object.entries(summary)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
  return [header, ...lines, '', `Totals: ${totals}`].join('\n');
}
