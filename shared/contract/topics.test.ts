import { describe, expect, it } from 'vitest';
import {
  certificateCommitTopic,
  certificateCreateTopic,
  jobUpdateTopic,
  nextJobGetTopic,
  parseReplyTopic,
  publishTopicFilters,
  subscriptionTopics,
} from './topics.js';
import { topicMatches } from '../mqtt/topic-match.js';

const THING = 'core-1:site_A';

describe('topic builders', () => {
  it('builds the four publish topics of the wire contract', () => {
    expect(nextJobGetTopic(THING)).toBe('$aws/things/core-1:site_A/jobs/$next/get');
    expect(jobUpdateTopic(THING, 'job-7_x')).toBe('$aws/things/core-1:site_A/jobs/job-7_x/update');
    expect(certificateCreateTopic(THING)).toBe('awslabs/things/core-1:site_A/certificate/create');
    expect(certificateCommitTopic(THING)).toBe('awslabs/things/core-1:site_A/certificate/commit');
    expect(publishTopicFilters(THING)).toEqual([
      '$aws/things/core-1:site_A/jobs/+/get',
      '$aws/things/core-1:site_A/jobs/+/update',
      'awslabs/things/core-1:site_A/certificate/create',
      'awslabs/things/core-1:site_A/certificate/commit',
    ]);
  });

  it('every publish topic is covered by a publish filter', () => {
    const filters = publishTopicFilters(THING);
    for (const topic of [
      nextJobGetTopic(THING),
      jobUpdateTopic(THING, 'j1'),
      certificateCreateTopic(THING),
      certificateCommitTopic(THING),
    ]) {
      expect(
        filters.some((f) => topicMatches(f, topic)),
        topic,
      ).toBe(true);
    }
  });

  it('refuses thing names and job ids that would change the topic structure, naming the field', () => {
    for (const bad of ['', 'a/b', 'a+b', 'a#', 'x'.repeat(129)]) {
      expect(() => nextJobGetTopic(bad)).toThrow(/^thingName: /);
    }
    for (const bad of ['', 'a/b', '$next', '+', 'j'.repeat(65)]) {
      expect(() => jobUpdateTopic(THING, bad)).toThrow(/^jobId: /);
    }
  });
});

describe('parseReplyTopic', () => {
  it('classifies every subscribed reply and takes the job id from the topic', () => {
    const jobs = `$aws/things/${THING}/jobs`;
    const cert = `awslabs/things/${THING}/certificate`;
    expect(parseReplyTopic(THING, `${jobs}/notify-next`)).toEqual({ kind: 'notifyNext' });
    expect(parseReplyTopic(THING, `${jobs}/$next/get/accepted`)).toEqual({ kind: 'getAccepted', jobId: '$next' });
    expect(parseReplyTopic(THING, `${jobs}/$next/get/rejected`)).toEqual({ kind: 'getRejected', jobId: '$next' });
    expect(parseReplyTopic(THING, `${jobs}/job-1/get/accepted`)).toEqual({ kind: 'getAccepted', jobId: 'job-1' });
    expect(parseReplyTopic(THING, `${jobs}/job-1/update/accepted`)).toEqual({ kind: 'updateAccepted', jobId: 'job-1' });
    expect(parseReplyTopic(THING, `${jobs}/job-1/update/rejected`)).toEqual({ kind: 'updateRejected', jobId: 'job-1' });
    expect(parseReplyTopic(THING, `${cert}/create/accepted`)).toEqual({ kind: 'createAccepted' });
    expect(parseReplyTopic(THING, `${cert}/create/rejected`)).toEqual({ kind: 'createRejected' });
    expect(parseReplyTopic(THING, `${cert}/commit/accepted`)).toEqual({ kind: 'commitAccepted' });
    expect(parseReplyTopic(THING, `${cert}/commit/rejected`)).toEqual({ kind: 'commitRejected' });
  });

  it('the $next/get replies match the jobs/+/get subscriptions', () => {
    const subscriptions = subscriptionTopics(THING);
    expect(subscriptions.filter((f) => topicMatches(f, `$aws/things/${THING}/jobs/$next/get/accepted`))).toEqual([
      `$aws/things/${THING}/jobs/+/get/accepted`,
    ]);
  });

  it('ignores requests, other things and unknown topics', () => {
    expect(parseReplyTopic(THING, `$aws/things/${THING}/jobs/job-1/update`)).toBeUndefined();
    expect(parseReplyTopic(THING, `$aws/things/${THING}/jobs/$next/get`)).toBeUndefined();
    expect(parseReplyTopic(THING, `awslabs/things/${THING}/certificate/create`)).toBeUndefined();
    expect(parseReplyTopic(THING, `$aws/things/${THING}x/jobs/notify-next`)).toBeUndefined();
    expect(parseReplyTopic('core', `$aws/things/core-1/jobs/notify-next`)).toBeUndefined();
    expect(parseReplyTopic(THING, `$aws/things/${THING}/jobs/notify`)).toBeUndefined();
    expect(parseReplyTopic(THING, `$aws/things/${THING}/jobs/a/b/update/accepted`)).toBeUndefined();
    expect(parseReplyTopic(THING, `$aws/things/${THING}/jobs/job-1/toString`)).toBeUndefined();
    expect(parseReplyTopic(THING, `awslabs/things/${THING}/certificate/constructor`)).toBeUndefined();
  });
});
