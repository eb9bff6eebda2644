import type { TransitionRow } from './row.js';
import { TRANSITIONS } from './table.js';
import type { EventType, Facts, StateName } from './types.js';

const EVENT_LABELS: Record<EventType, string> = {
  start: 'start',
  subscribed: 'subscribed',
  subscribeFailed: 'subscribe failed',
  resubscribe: 'retry due',
  fact: 'answer',
  csrCreated: 'CSR created',
  csrFailed: 'CSR failed',
  rotateDone: 'installed',
  rotateFailed: 'install failed',
  rotateRefused: 'certificate refused',
  timeout: 'timeout',
  notifyNext: 'notify-next',
  getAccepted: 'get/accepted',
  getRejected: 'get/rejected',
  updateAccepted: 'update/accepted',
  updateRejected: 'update/rejected',
  createAccepted: 'create/accepted',
  createRejected: 'create/rejected',
  commitAccepted: 'commit/accepted',
  commitRejected: 'commit/rejected',
};

const FACT_LABELS = {
  backupExists: { true: 'backup', false: 'no backup' },
  credentialsMatch: { true: 'credentials match', false: 'credentials mismatch' },
} as const;

/** `Stopped` means "the process exits so Greengrass restarts": drawn as the final pseudo-state. */
function node(state: StateName): string {
  return state === 'Stopped' ? '[*]' : state;
}

function eventLabel(row: TransitionRow): string {
  // Rows that handle every message type come after the specific rows of their state.
  return row.on.length > 3 ? 'any other message' : row.on.map((type) => EVENT_LABELS[type]).join(' or ');
}

function factLabels(facts: Facts | undefined): string[] {
  return Object.entries(facts ?? {}).map(([fact, value]) => FACT_LABELS[fact as keyof Facts][value ? 'true' : 'false']);
}

/** One edge per table row: `event [conditions] / actions`. */
export function edge(row: TransitionRow): string {
  const conditions = [...(row.condition === undefined ? [] : [row.condition]), ...factLabels(row.facts)];
  const guard = conditions.length === 0 ? '' : ` [${conditions.join(', ')}]`;
  // Mermaid ends a transition label at '#' or ';'; the table's wording avoids both.
  return `    ${node(row.from)} --> ${node(row.to)} : ${eventLabel(row)}${guard} / ${row.does}`;
}

/** The transition table as a mermaid `stateDiagram-v2`, ending with a newline. */
export function stateDiagram(rows: readonly TransitionRow[] = TRANSITIONS): string {
  return ['stateDiagram-v2', '    [*] --> Starting', ...rows.map(edge)].join('\n') + '\n';
}
