import { describe, expect, it } from 'vitest';
import {
  ORIGINAL_BACKEND_REPLIES,
  ORIGINAL_DEVICE_PUBLISHES,
  ORIGINAL_DEVICE_SUBSCRIPTIONS,
  ORIGINAL_NAMES,
  ORIGINAL_QOS,
  ORIGINAL_RULE_EVENT_FIELDS,
  ORIGINAL_RULE_SQL,
  ORIGINAL_RULE_SQL_VERSION,
  fill,
} from '../test/support/original-wire.js';
import {
  backendResourceNames,
  certificateCommitTopic,
  certificateCreateTopic,
  certificateRejectedSchema,
  commitAcceptedSchema,
  commitCertificatePayload,
  commitRequestSchema,
  COMPONENT_NAME,
  createAcceptedSchema,
  createCertificatePayload,
  createRequestSchema,
  failedPayload,
  inProgressPayload,
  JOB_DOCUMENT,
  jobUpdateTopic,
  nextJobGetPayload,
  nextJobGetTopic,
  NOTIFICATION_SUBJECT,
  PUBLISH_QOS,
  renderRuleSql,
  replyTopic,
  RULE_SQL_VERSION,
  SHADOW_NAME,
  SUBSCRIBE_QOS,
  subscriptionTopics,
  succeededPayload,
} from './index.js';

const THING = 'core-1:site_A';
const JOB = 'rotate-7_x';
const values = {
  thing: THING,
  jobId: JOB,
  reason: 'Create was rejected.',
  'PEM CSR': '-----BEGIN CERTIFICATE REQUEST-----',
  PEM: 'PEM',
  message: 'why',
};
const original = (template: string): string => fill(template, values);

describe('the wire contract matches the original', () => {
  it('names', () => {
    const names = backendResourceNames();
    expect(COMPONENT_NAME).toBe(ORIGINAL_NAMES.component);
    expect(names.stack).toBe(ORIGINAL_NAMES.stack);
    expect(names.jobTemplate).toBe(ORIGINAL_NAMES.jobTemplate);
    expect(JOB_DOCUMENT).toBe(ORIGINAL_NAMES.jobDocument);
    expect(names.shadow).toBe(ORIGINAL_NAMES.shadow);
    expect(SHADOW_NAME).toBe(ORIGINAL_NAMES.shadow);
    expect(names.notificationTopic).toBe(ORIGINAL_NAMES.snsTopic);
    expect(NOTIFICATION_SUBJECT).toBe(ORIGINAL_NAMES.snsDisplayNameAndSubject);
    expect(Object.values(names.functions)).toEqual(ORIGINAL_NAMES.functions);
    expect(Object.values(names.rules)).toEqual(ORIGINAL_NAMES.rules);
    expect(names.jobExecutionEventsFunction).toBe(ORIGINAL_NAMES.customResourceFunction);
  });

  it('device publishes: topics, payloads and QoS', () => {
    const p = ORIGINAL_DEVICE_PUBLISHES;
    expect(PUBLISH_QOS).toBe(ORIGINAL_QOS.devicePublish);
    expect([nextJobGetTopic(THING), nextJobGetPayload()]).toEqual([original(p.nextJobGet.topic), original(p.nextJobGet.payload)]);
    expect([jobUpdateTopic(THING, JOB), inProgressPayload()]).toEqual([original(p.inProgress.topic), original(p.inProgress.payload)]);
    expect([jobUpdateTopic(THING, JOB), failedPayload(values.reason)]).toEqual([original(p.failed.topic), original(p.failed.payload)]);
    expect([jobUpdateTopic(THING, JOB), succeededPayload()]).toEqual([original(p.succeeded.topic), original(p.succeeded.payload)]);
    expect([certificateCreateTopic(THING), createCertificatePayload(JOB, values['PEM CSR'])]).toEqual([
      original(p.create.topic),
      original(p.create.payload),
    ]);
    expect([certificateCommitTopic(THING), commitCertificatePayload(JOB)]).toEqual([original(p.commit.topic), original(p.commit.payload)]);
  });

  it('device subscriptions, in the original order', () => {
    expect(SUBSCRIBE_QOS).toBe(ORIGINAL_QOS.deviceSubscribe);
    expect(subscriptionTopics(THING)).toEqual(ORIGINAL_DEVICE_SUBSCRIPTIONS.map(original));
  });

  it('backend replies: topics, and payloads the reply schemas accept', () => {
    const r = ORIGINAL_BACKEND_REPLIES;
    expect(replyTopic('create', THING, 'accepted')).toBe(original(r.createAccepted.topic));
    expect(replyTopic('create', THING, 'rejected')).toBe(original(r.createRejected.topic));
    expect(replyTopic('commit', THING, 'accepted')).toBe(original(r.commitAccepted.topic));
    expect(replyTopic('commit', THING, 'rejected')).toBe(original(r.commitRejected.topic));
    const parse = (payload: string): unknown => JSON.parse(original(payload));
    expect(createAcceptedSchema.parse(parse(r.createAccepted.payload))).toEqual({ certificatePem: 'PEM' });
    expect(certificateRejectedSchema.parse(parse(r.createRejected.payload))).toEqual({ errorMsg: 'why' });
    expect(commitAcceptedSchema.parse(parse(r.commitAccepted.payload))).toEqual({});
    expect(certificateRejectedSchema.parse(parse(r.commitRejected.payload))).toEqual({ errorMsg: 'Pre-conditions not met' });
  });

  it('rule SQL, byte for byte', () => {
    expect(RULE_SQL_VERSION).toBe(ORIGINAL_RULE_SQL_VERSION);
    expect(renderRuleSql()).toEqual(ORIGINAL_RULE_SQL);
  });

  it('the request schemas read exactly the fields the rules hand over', () => {
    expect(Object.keys(createRequestSchema.shape).sort()).toEqual([...ORIGINAL_RULE_EVENT_FIELDS.createCertificate].sort());
    expect(Object.keys(commitRequestSchema.shape).sort()).toEqual([...ORIGINAL_RULE_EVENT_FIELDS.commitCertificate].sort());
  });
});
