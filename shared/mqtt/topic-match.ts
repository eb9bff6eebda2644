/**
 * MQTT topic filter matching (`+` one level, `#` the rest), as brokers and the AWS IoT
 * rules engine apply it. Topics beginning with `$` are only matched by filters that name
 * that first level explicitly, as MQTT 3.1.1 section 4.7.2 requires.
 */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
