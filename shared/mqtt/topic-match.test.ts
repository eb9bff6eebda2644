import { describe, expect, it } from 'vitest';
import { topicMatches } from './topic-match.js';

describe('topicMatches', () => {
  it.each([
    ['a/b/c', 'a/b/c', true],
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/b/d', false],
    ['a/#', 'a/b/c', true],
    ['a/#', 'a', true],
    ['#', 'a/b', true],
    ['+/b', 'a/b/c', false],
    ['a/b', 'a/b/c', false],
    ['$aws/things/t1/jobs/+/get/accepted', '$aws/things/t1/jobs/$next/get/accepted', true],
    ['#', '$aws/things/t1', false],
    ['+/things/t1', '$aws/things/t1', false],
    ['$aws/events/jobExecution/#', '$aws/events/jobExecution/j1/succeeded', true],
  ])('%s vs %s -> %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});
