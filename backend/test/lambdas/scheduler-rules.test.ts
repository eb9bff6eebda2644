import { describe, expect, it } from 'vitest';
import { byUrgency, DAY_MS, dueUnder } from '../../src/scheduler/due.js';
import { findingsOf, isScheduledEvent } from '../../src/scheduler/findings.js';
import { formatNotification, worthNotifying, type RunReport } from '../../src/scheduler/report.js';
import { jobIdFor } from '../../src/scheduler/rotation-jobs.js';
import { schedulerSettingsFromEnv } from '../../src/scheduler/settings.js';
import { rateLimiter } from '../../src/runtime/rate-limit.js';

const NOW = Date.UTC(2025, 5, 1, 12);
const cert = (daysLeft: number, ageDays: number) => ({
  certificateId: 'a'.repeat(64),
  notAfter: NOW + daysLeft * DAY_MS,
  createdAt: NOW - ageDays * DAY_MS,
});

describe('when a certificate is due', () => {
  it.each([
    [{ renewBeforeDays: 30 }, cert(29.9, 1), 'expires in 29 day(s), less than 30'],
    [{ renewBeforeDays: 30 }, cert(30, 1), undefined],
    [{ renewBeforeDays: 30 }, cert(-1, 400), 'expired'],
    [{ maxAgeDays: 365 }, cert(1000, 365.5), '365 day(s) old, more than 365'],
    [{ maxAgeDays: 365 }, cert(1000, 365), undefined],
    [{ renewBeforeDays: 30, maxAgeDays: 90 }, cert(10, 100), 'expires in 10 day(s), less than 30; 100 day(s) old, more than 90'],
  ])('%j with %j -> %s', (policy, facts, reason) => {
    expect(dueUnder(policy, facts, NOW)?.reason).toBe(reason);
  });

  it('orders the soonest to expire first, then the oldest, then by name', () => {
    const due = (thingName: string, daysLeft: number, ageDays: number) => ({ thingName, due: { reason: '', daysLeft, ageDays } });
    const sorted = [due('c', 5, 1), due('b', 2, 1), due('a', 5, 1), due('d', 5, 9)].sort(byUrgency).map((d) => d.thingName);
    expect(sorted).toEqual(['b', 'd', 'a', 'c']);
  });
});

describe('what starts a run', () => {
  const sns = (message: unknown) => ({
    Records: [{ EventSource: 'aws:sns', Sns: { Message: typeof message === 'string' ? message : JSON.stringify(message) } }],
  });
  const finding = (checkName: string, deviceCertificateId = 'b'.repeat(64)) => ({
    targetType: 'AUDIT_FINDING',
    finding: {
      findingId: 'f1',
      checkName,
      nonCompliantResource: { resourceType: 'DEVICE_CERTIFICATE', resourceIdentifier: { deviceCertificateId } },
    },
  });

  it('takes the certificate of an expiring or an age finding', () => {
    expect(findingsOf(sns(finding('DEVICE_CERTIFICATE_EXPIRING_CHECK')))).toEqual([
      { ok: true, finding: { checkName: 'DEVICE_CERTIFICATE_EXPIRING_CHECK', certificateId: 'b'.repeat(64), findingId: 'f1' } },
    ]);
    expect(findingsOf(sns(finding('DEVICE_CERTIFICATE_AGE_CHECK').finding))).toMatchObject([{ ok: true }]);
  });

  it('says why a message is no rotation finding', () => {
    expect(findingsOf(sns(finding('CA_CERTIFICATE_EXPIRING_CHECK')))).toEqual([
      { ok: false, problem: 'check CA_CERTIFICATE_EXPIRING_CHECK does not call for a rotation' },
    ]);
    expect(findingsOf(sns('not json'))).toEqual([{ ok: false, problem: 'message is not JSON' }]);
    expect(findingsOf(sns(finding('DEVICE_CERTIFICATE_AGE_CHECK', 'XYZ')))).toEqual([
      { ok: false, problem: 'message is not an audit finding for a device certificate' },
    ]);
  });

  it('tells a schedule from an SNS delivery and from anything else', () => {
    expect(findingsOf({ 'detail-type': 'Scheduled Event', source: 'aws.events' })).toBeUndefined();
    expect(isScheduledEvent({ 'detail-type': 'Scheduled Event', source: 'aws.events' })).toBe(true);
    expect(isScheduledEvent({ Records: [] })).toBe(false);
  });
});

describe('reports and job names', () => {
  const report = (over: Partial<RunReport>): RunReport => ({
    trigger: 'schedule',
    watched: 3,
    examined: 3,
    notDue: 3,
    jobs: [],
    started: [],
    skipped: [],
    problems: [],
    ...over,
  });

  it('stays quiet when nothing was started, skipped or missed', () => {
    expect(worthNotifying(report({}))).toBe(false);
    expect(worthNotifying(report({ problems: ['thing group G not found'] }))).toBe(true);
  });

  it('names what it started and skipped, and cuts long lists', () => {
    const skipped = Array.from({ length: 250 }, (_, i) => ({
      thingName: `core-${i}`,
      reason: 'no certificate attached',
      code: 'NoCertificate' as const,
    }));
    const text = formatNotification(
      report({
        started: [{ thingName: 'core-a', jobId: 'j-1', reason: 'expired' }],
        jobs: [{ jobId: 'j-1', thingNames: ['core-a'] }],
        skipped,
      }),
    );
    expect(text.split('\n')[0]).toBe(
      'Certificate rotation scheduler (schedule): started rotation of 1 core device(s) in 1 job(s); skipped 250; 3 not due; 3 of 3 examined.',
    );
    expect(text).toContain('  - core-a (job j-1): expired');
    expect(text).toContain('  ... and 50 more');
  });

  it('names jobs after the prefix and the time, within 64 characters', () => {
    expect(jobIdFor('AWSLabsCertificateRotator', NOW, '12')).toBe('AWSLabsCertificateRotator-20250601T120000-12');
    expect(jobIdFor('p'.repeat(36), NOW, 'fabcd-1000').length).toBeLessThanOrEqual(64);
  });
});

describe('settings from the environment', () => {
  const env = {
    AWS_REGION: 'eu-west-1',
    THING_GROUPS: 'A, B',
    RENEW_BEFORE_DAYS: '30',
    MAX_AGE_DAYS: '',
    MAX_ROTATIONS_PER_RUN: '100',
    THINGS_PER_JOB: '100',
    JOB_TEMPLATE_ARN: 'arn:aws:iot:eu-west-1:123456789012:jobtemplate/AWSLabsCertificateRotator',
    JOB_DOCUMENT: '{"operation":"ROTATE_CERTIFICATE"}',
    JOB_ID_PREFIX: 'AWSLabsCertificateRotator',
    SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:AWSLabsCertificateRotatorNotification',
    CALLS_PER_SECOND: '5',
  };

  it('reads every variable, an empty day count being a rule that is off', () => {
    const settings = schedulerSettingsFromEnv(env);
    expect(settings.thingGroups).toEqual(['A', 'B']);
    expect(settings.policy).toEqual({ renewBeforeDays: 30 });
  });

  it('names the variable that is wrong', () => {
    expect(() => schedulerSettingsFromEnv({ ...env, MAX_AGE_DAYS: 'a year' })).toThrow(
      /MAX_AGE_DAYS: must be a whole number of days or empty/,
    );
  });
});

describe('pacing', () => {
  it('spaces the starts of one operation, not of different ones', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = rateLimiter(4, { now: () => now, sleep: async (ms) => void waits.push(ms) });
    await limiter.acquire('A');
    await limiter.acquire('A');
    await limiter.acquire('B');
    now = 100;
    await limiter.acquire('A');
    expect(waits).toEqual([250, 400]);
  });
});
