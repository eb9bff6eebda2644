import type { CoreStatus, FleetStatus } from './fleet-status.js';

const dash = (value: string | number | null): string => (value === null ? '-' : String(value));

/** AWS IoT's own issuer is one long OU; the table shows its start, the JSON all of it. */
const ISSUER_WIDTH = 28;
const shortIssuer = (issuer: string | null): string =>
  issuer === null ? '-' : issuer.length > ISSUER_WIDTH ? `${issuer.slice(0, ISSUER_WIDTH - 1)}…` : issuer;

const COLUMNS: ReadonlyArray<[string, (c: CoreStatus) => string]> = [
  ['THING', (c) => c.thingName],
  ['CERTIFICATE', (c) => (c.certificateId === null ? '-' : `${c.certificateId.slice(0, 12)}…`)],
  ['ISSUER', (c) => shortIssuer(c.issuer)],
  ['NOT AFTER', (c) => (c.notAfter === null ? '-' : c.notAfter.slice(0, 10))],
  ['AGE (DAYS)', (c) => dash(c.ageDays)],
  ['DAYS LEFT', (c) => dash(c.daysLeft)],
  ['LAST ROTATION', (c) => (c.lastRotation === null ? '-' : `${c.lastRotation.jobId} ${c.lastRotation.status}`)],
];

/** The table the command prints: one row per core, its warnings under it, a summary line last. */
export function formatFleetStatus(status: FleetStatus): string {
  const rows = status.cores.map((core) => COLUMNS.map(([, cell]) => cell(core)));
  const widths = COLUMNS.map(([title], i) => Math.max(title.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(COLUMNS.map(([title]) => title))];
  status.cores.forEach((core, i) => {
    out.push(line(rows[i] ?? []));
    for (const warning of core.warnings) out.push(`  ! ${warning}`);
  });
  out.push(
    '',
    `${status.cores.length} core device(s) in ${status.thingGroup}; ${status.warnings} with warnings` +
      (status.unreadable > 0 ? `; ${status.unreadable} could not be read` : ''),
  );
  return out.join('\n');
}
