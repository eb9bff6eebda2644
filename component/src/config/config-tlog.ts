/**
 * The nucleus's transaction log, `<root>/config/config.tlog`: one JSON object a line,
 * `{"TS": <epoch ms>, "TP": [path...], "W": "changed" | "removed" | ..., "V": value}`
 * (Tlogline and ConfigurationReader.mergeTLogInto in aws-greengrass-nucleus). Replaying it, a
 * `changed` line sets a value unless the value there is newer, and a `removed` line removes the
 * node (and everything below it) unless that is newer; lines of equal time apply in order.
 * Cores provisioned by AWS IoT fleet provisioning have their credential paths only here.
 */

/** What the newest entry of the log says about one configuration path. */
export type TlogEntry = { kind: 'set'; value: unknown; timestamp: number } | { kind: 'removed'; timestamp: number };

interface TlogLine {
  timestamp: number;
  topicPath: string[];
  action: string;
  value: unknown;
}

function parseLine(line: string): TlogLine | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    // The nucleus skips a line it cannot parse (a power cut can leave a torn last line).
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { TS, TP, W, V } = json as Record<string, unknown>;
  if (typeof TS !== 'number' || !Array.isArray(TP) || !TP.every((p) => typeof p === 'string') || typeof W !== 'string') return undefined;
  return { timestamp: TS, topicPath: TP, action: W, value: V };
}

const isPrefix = (prefix: readonly string[], path: readonly string[]): boolean =>
  prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);

/**
 * The newest entry for each of `paths` (e.g. `['system', 'certificateFilePath']`), or undefined
 * when the log never mentions it.
 */
export function newestTlogEntries(text: string, paths: readonly (readonly string[])[]): Array<TlogEntry | undefined> {
  const newest: Array<TlogEntry | undefined> = paths.map(() => undefined);
  for (const raw of text.split('\n')) {
    const line = raw.trim() === '' ? undefined : parseLine(raw);
    if (line === undefined) continue;
    paths.forEach((path, i) => {
      const current = newest[i];
      // A removed node keeps no time: whatever sets it again afterwards creates it anew.
      const older = current?.kind === 'set' && line.timestamp < current.timestamp;
      if (line.action === 'changed' && line.topicPath.length === path.length && isPrefix(line.topicPath, path)) {
        if (!older) newest[i] = { kind: 'set', value: line.value, timestamp: line.timestamp };
      } else if (line.action === 'removed' && isPrefix(line.topicPath, path) && current?.kind === 'set' && !older) {
        newest[i] = { kind: 'removed', timestamp: line.timestamp };
      }
    });
  }
  return newest;
}
