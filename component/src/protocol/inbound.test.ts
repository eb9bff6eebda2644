import { describe, expect, it } from 'vitest';
import { parseInbound } from './inbound.js';

const T = 'thing-1';
const JOBS = `$aws/things/${T}/jobs`;
const CERT = `awslabs/things/${T}/certificate`;

const execution = {
  jobId: 'rotate-1',
  thingName: T,
  jobDocument: { operation: 'ROTATE_CERTIFICATE' },
  status: 'QUEUED',
  queuedAt: 1700000000,
  lastUpdatedAt: 1700000000,
  versionNumber: 1,
  executionNumber: 1,
};

describe('parseInbound', () => {
  it('parses a get/accepted as AWS IoT sends it, keeping the topic job id', () => {
    const payload = JSON.stringify({
      execution: { ...execution, statusDetails: {}, startedAt: 1 },
      timestamp: 1700000001,
      clientToken: 'c',
    });
    const r = parseInbound(T, `${JOBS}/$next/get/accepted`, Buffer.from(payload));
    expect(r).toEqual({
      outcome: 'message',
      message: { type: 'getAccepted', topicJobId: '$next', execution: { ...execution, statusDetails: {}, startedAt: 1 } },
    });
  });

  it('parses replies without an execution', () => {
    expect(parseInbound(T, `${JOBS}/$next/get/accepted`, '{"timestamp":1,"clientToken":"x"}')).toEqual({
      outcome: 'message',
      message: { type: 'getAccepted', topicJobId: '$next' },
    });
    expect(parseInbound(T, `${JOBS}/notify-next`, '{"timestamp":1}')).toEqual({ outcome: 'message', message: { type: 'notifyNext' } });
  });

  it('parses notify-next with an execution', () => {
    const r = parseInbound(T, `${JOBS}/notify-next`, JSON.stringify({ timestamp: 2, execution }));
    expect(r).toEqual({ outcome: 'message', message: { type: 'notifyNext', execution } });
  });

  it('parses jobs rejections and update/accepted', () => {
    const rejected = '{"code":"Throttled","message":"Rate exceeded","timestamp":3,"clientToken":"t"}';
    expect(parseInbound(T, `${JOBS}/$next/get/rejected`, rejected)).toEqual({
      outcome: 'message',
      message: { type: 'getRejected', topicJobId: '$next', code: 'Throttled', message: 'Rate exceeded' },
    });
    expect(parseInbound(T, `${JOBS}/rotate-1/update/rejected`, '{"code":"InvalidStateTransition"}')).toEqual({
      outcome: 'message',
      message: { type: 'updateRejected', topicJobId: 'rotate-1', code: 'InvalidStateTransition' },
    });
    expect(
      parseInbound(T, `${JOBS}/rotate-1/update/accepted`, '{"executionState":{"status":"IN_PROGRESS","versionNumber":2},"timestamp":4}'),
    ).toEqual({ outcome: 'message', message: { type: 'updateAccepted', topicJobId: 'rotate-1', status: 'IN_PROGRESS' } });
  });

  it('parses the backend replies', () => {
    expect(parseInbound(T, `${CERT}/create/accepted`, '{"certificatePem":"PEM"}')).toEqual({
      outcome: 'message',
      message: { type: 'createAccepted', certificatePem: 'PEM' },
    });
    expect(parseInbound(T, `${CERT}/create/rejected`, '{"errorMsg":"Pre-conditions not met"}')).toEqual({
      outcome: 'message',
      message: { type: 'createRejected', errorMsg: 'Pre-conditions not met' },
    });
    expect(parseInbound(T, `${CERT}/commit/accepted`, '{}')).toEqual({ outcome: 'message', message: { type: 'commitAccepted' } });
    expect(parseInbound(T, `${CERT}/commit/rejected`, '{}')).toEqual({ outcome: 'message', message: { type: 'commitRejected' } });
  });

  it('rejects bad payloads with an error naming the field', () => {
    expect(parseInbound(T, `${CERT}/create/accepted`, '{}')).toMatchObject({
      outcome: 'invalid',
      kind: 'createAccepted',
      error: expect.stringMatching(/^certificatePem: /),
    });
    expect(parseInbound(T, `${CERT}/create/accepted`, '{"certificatePem":""}')).toMatchObject({
      error: expect.stringMatching(/^certificatePem: /),
    });
    expect(parseInbound(T, `${CERT}/create/rejected`, '{"errorMsg":5}')).toMatchObject({ error: expect.stringMatching(/^errorMsg: /) });
    expect(parseInbound(T, `${JOBS}/notify-next`, JSON.stringify({ execution: { ...execution, jobId: 'a/b' } }))).toMatchObject({
      outcome: 'invalid',
      error: expect.stringMatching(/^execution\.jobId: /),
    });
    expect(parseInbound(T, `${JOBS}/j/get/accepted`, JSON.stringify({ execution: { ...execution, status: undefined } }))).toMatchObject({
      error: expect.stringMatching(/^execution\.status: /),
    });
    expect(parseInbound(T, `${JOBS}/j/get/accepted`, JSON.stringify({ execution: { ...execution, jobDocument: 'x' } }))).toMatchObject({
      error: expect.stringMatching(/^execution\.jobDocument: /),
    });
    expect(parseInbound(T, `${JOBS}/j/get/rejected`, '{"code":404}')).toMatchObject({ error: expect.stringMatching(/^code: /) });
    expect(parseInbound(T, `${CERT}/commit/accepted`, '[]')).toMatchObject({ error: expect.stringMatching(/^payload: /) });
    expect(parseInbound(T, `${CERT}/commit/accepted`, 'null')).toMatchObject({ error: expect.stringMatching(/^payload: /) });
    expect(parseInbound(T, `${CERT}/commit/accepted`, '{not json')).toEqual({
      outcome: 'invalid',
      kind: 'commitAccepted',
      error: 'payload: not valid JSON',
    });
  });

  it('reports topics that are not ours', () => {
    expect(parseInbound(T, `$aws/things/other/jobs/notify-next`, '{}')).toEqual({ outcome: 'unknownTopic' });
    expect(parseInbound(T, `${CERT}/create`, '{}')).toEqual({ outcome: 'unknownTopic' });
  });
});

describe('hostile payloads on each of the nine inbound topics', () => {
  const topics = [
    `${JOBS}/notify-next`,
    `${JOBS}/rotate-1/get/accepted`,
    `${JOBS}/rotate-1/get/rejected`,
    `${JOBS}/rotate-1/update/accepted`,
    `${JOBS}/rotate-1/update/rejected`,
    `${CERT}/create/accepted`,
    `${CERT}/create/rejected`,
    `${CERT}/commit/accepted`,
    `${CERT}/commit/rejected`,
  ];
  it.each(
    topics.flatMap(
      (topic) =>
        [
          [topic, 'junk'],
          [topic, '[1,2]'],
          [topic, 'null'],
        ] as const,
    ),
  )('%s with %s is invalid, never an event', (topic, payload) => {
    expect(parseInbound(T, topic, payload)).toMatchObject({ outcome: 'invalid' });
  });
});
