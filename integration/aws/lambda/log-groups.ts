/** Lines kept per log group; older ones are dropped first, as a retention would. */
const MAX_LINES = 5_000;

/**
 * CloudWatch Logs as far as Lambda uses it: log groups, and the lines each function writes into
 * its own. Read by tests (the error a handler logged) and echoed by whoever asks.
 */
export class LogGroups {
  private readonly groups = new Map<string, string[]>();
  private readonly listeners = new Set<(group: string, line: string) => void>();

  createLogGroup(name: string): void {
    if (!this.groups.has(name)) this.groups.set(name, []);
  }

  /** Lambda writes to a group that does not exist yet by creating it (with logs:CreateLogGroup). */
  append(group: string, line: string): void {
    const lines = this.groups.get(group) ?? [];
    lines.push(line);
    if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
    this.groups.set(group, lines);
    for (const listener of this.listeners) listener(group, line);
  }

  lines(group: string): string[] {
    return [...(this.groups.get(group) ?? [])];
  }

  onLine(listener: (group: string, line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
