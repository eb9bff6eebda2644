import type { LogGroups } from '../aws/index.js';

/** Powertools' levels, from the most to the least verbose; SILENT echoes nothing. */
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'] as const;
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

/** The level of a function's log line: the JSON `level` Powertools writes; anything else not from the platform is an error. */
function levelOf(line: string): string | undefined {
  if (/^(START|END|REPORT|INIT_REPORT) RequestId:|^INIT_REPORT /.test(line)) return undefined;
  try {
    const parsed = JSON.parse(line) as { level?: unknown };
    return typeof parsed.level === 'string' ? parsed.level.toUpperCase() : 'INFO';
  } catch {
    return 'ERROR';
  }
}

/**
 * Echoes the account's function log lines at or above `minimum` on stderr, prefixed with the log
 * group: what an operator would look up in CloudWatch Logs. Returns the function that stops it.
 */
export function echoFunctionLogs(logs: LogGroups, minimum: LogLevel): () => void {
  if (minimum === 'SILENT') return () => undefined;
  const threshold = LEVELS.indexOf(minimum);
  return logs.onLine((group, line) => {
    const level = levelOf(line);
    if (level === undefined || LEVELS.indexOf(level as (typeof LEVELS)[number]) < threshold) return;
    process.stderr.write(`[${group}] ${line}\n`);
  });
}

/**
 * Counts the log lines with a `securityEvent` field, as the CloudWatch Logs metric filter
 * `{ $.securityEvent = "*" }` would: the requests the functions dropped because they did not come
 * from the thing they name.
 */
export function countSecurityEvents(logs: LogGroups): { readonly count: number } {
  const counter = { count: 0 };
  logs.onLine((_group, line) => {
    if (!line.includes('"securityEvent"')) return;
    try {
      const parsed = JSON.parse(line) as { securityEvent?: unknown };
      if (parsed.securityEvent !== undefined) counter.count += 1;
    } catch {
      // Not a structured line, so not one the filter matches.
    }
  });
  return counter;
}
