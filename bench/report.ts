import type { BenchResult, BenchTable, Cell } from './types.js';

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (value >= 1000) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function mebibytes(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

/** Right-aligns numbers and left-aligns text, so columns of figures line up. */
export function formatTable(table: BenchTable): string {
  const text = (cell: Cell): string => (typeof cell === 'number' ? String(cell) : cell);
  const numeric = table.columns.map(
    (_, c) => table.rows.length > 0 && table.rows.every((row) => /^[-+]?[\d.,]+(\s|$)/.test(text(row[c] ?? ''))),
  );
  const widths = table.columns.map((title, c) => Math.max(title.length, ...table.rows.map((row) => text(row[c] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [table.title, line(table.columns), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of table.rows) out.push(line(table.columns.map((_, c) => text(row[c] ?? ''))));
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}

export function formatAlerts(alerts: readonly string[]): string {
  if (alerts.length === 0) return '';
  const bar = '!'.repeat(72);
  return [bar, ...alerts.map((a) => `!! ${a}`), bar].join('\n');
}

export function formatResult(result: BenchResult): string {
  const parts = [`== ${result.name} ==`, ...result.tables.map(formatTable)];
  const alerts = formatAlerts(result.alerts);
  if (alerts) parts.push(alerts);
  return parts.join('\n\n');
}
