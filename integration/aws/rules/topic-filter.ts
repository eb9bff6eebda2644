/**
 * MQTT topic filter matching. As MQTT requires, a filter starting with a wildcard does not match a
 * topic starting with `$` (so `#` sees no `$aws/...` traffic).
 */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '#' || f[0] === '+')) return false;
  for (let i = 0; i < f.length; i += 1) {
    const level = f[i];
    if (level === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Whether `filter` is a syntactically valid MQTT topic filter. */
export function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0) return false;
  const levels = filter.split('/');
  return levels.every(
    (level, i) =>
      (level === '#' && i === levels.length - 1) || level === '+' || (!level.includes('#') && !level.includes('+')),
  );
}
