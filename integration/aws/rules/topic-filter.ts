// Matching lives with the rest of the stand-in's MQTT helpers; the rules engine and the broker
// share it with the device side.
export { topicMatches } from '../../../shared/mqtt/topic-match.js';

/** Whether `filter` is a syntactically valid MQTT topic filter. */
export function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0) return false;
  const levels = filter.split('/');
  return levels.every(
    (level, i) => (level === '#' && i === levels.length - 1) || level === '+' || (!level.includes('#') && !level.includes('+')),
  );
}
