import { ListThingPrincipalsV2Command, IoTClient, ThrottlingException } from '@aws-sdk/client-iot';
import { GetThingShadowCommand, IoTDataPlaneClient, ThrottlingException as DataThrottlingException } from '@aws-sdk/client-iot-data-plane';
import {
  DescribeJobExecutionCommand,
  IoTJobsDataPlaneClient,
  ThrottlingException as JobsThrottlingException,
} from '@aws-sdk/client-iot-jobs-data-plane';
import { ACMPCAClient, IssueCertificateCommand } from '@aws-sdk/client-acm-pca';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../model/clock.js';
import { AWS_API_QUOTAS, quotaOf } from './api-quotas.js';
import { ApiRateLimits } from './rate-limits.js';
import { startApiFixture, type ApiFixture } from '../../test/support/aws/http.js';

describe('ApiRateLimits', () => {
  it('lets a second of calls through at once, then one call per 1/rate seconds', () => {
    const clock = new ManualClock();
    const limits = new ApiRateLimits({ now: () => clock.now(), minuteMs: 60_000 });
    const burst = Array.from({ length: 12 }, () => limits.admit('iot:ListThingPrincipalsV2'));
    expect(burst).toEqual([...Array<boolean>(10).fill(true), false, false]);
    clock.advance(99);
    expect(limits.admit('iot:ListThingPrincipalsV2')).toBe(false);
    clock.advance(1);
    expect(limits.admit('iot:ListThingPrincipalsV2')).toBe(true);
    expect(limits.throttledCalls()).toBe(3);
  });

  it('keeps quotas apart, shares one among the operations it names, and leaves unlisted operations alone', () => {
    const clock = new ManualClock();
    const limits = new ApiRateLimits({ now: () => clock.now(), minuteMs: 60_000 });
    for (let i = 0; i < 10; i++) limits.admit('iot:ListThingPrincipalsV2');
    expect(limits.admit('iot:ListThingPrincipalsV2')).toBe(false);
    expect(limits.admit('iot:UpdateCertificate')).toBe(true);
    for (let i = 0; i < 199; i++) limits.admit('iot-jobs-data:DescribeJobExecution');
    expect(limits.admit('iot-jobs-data:GetPendingJobExecutions')).toBe(true);
    expect(limits.admit('iot-jobs-data:DescribeJobExecution')).toBe(false);
    for (let i = 0; i < 1000; i++) expect(limits.admit('iot:DescribeEndpoint')).toBe(true);
  });

  it('counts shadow requests per thing', () => {
    const clock = new ManualClock();
    const limits = new ApiRateLimits({ now: () => clock.now(), minuteMs: 60_000 });
    for (let i = 0; i < 20; i++) expect(limits.admit('iot-data:GetThingShadow', 'core-1')).toBe(true);
    expect(limits.admit('iot-data:UpdateThingShadow', 'core-1')).toBe(false);
    expect(limits.admit('iot-data:UpdateThingShadow', 'core-2')).toBe(true);
  });

  it('raises every rate in proportion when the AWS minute is shortened', () => {
    const clock = new ManualClock();
    const limits = new ApiRateLimits({ now: () => clock.now(), minuteMs: 6_000 });
    const passed = Array.from({ length: 200 }, () => limits.admit('iot:CreateCertificateFromCsr')).filter(Boolean).length;
    expect(passed).toBe(150);
  });

  it('names a source for every quota and lists each operation once', () => {
    const operations = AWS_API_QUOTAS.flatMap((q) => q.operations);
    expect(new Set(operations).size).toBe(operations.length);
    for (const quota of AWS_API_QUOTAS) expect(['SQ', 'GR', 'DG']).toContain(quota.source);
    expect(quotaOf('iot:CreateCertificateFromCsr')?.rate).toBe(15);
    expect(quotaOf('acm-pca:IssueCertificate')?.rate).toBe(25);
  });
});

describe('AWS quotas over HTTP: each API answers throttling as its SDK client expects', () => {
  let fx: ApiFixture;
  const clock = new ManualClock();
  beforeAll(async () => {
    fx = await startApiFixture({ rateLimits: new ApiRateLimits({ now: () => clock.now(), minuteMs: 60_000 }) });
  });
  afterAll(() => fx.close());

  async function exhaust<T>(send: () => Promise<T>): Promise<unknown> {
    for (let i = 0; i < 500; i++) {
      const error = await send().then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error !== undefined && (error as Error).name.startsWith('Throttl')) return error;
    }
    throw new Error('never throttled');
  }

  it('AWS IoT: ThrottlingException with status 400', async () => {
    const iot = new IoTClient({ ...fx.clientConfig, maxAttempts: 1 });
    const error = await exhaust(() => iot.send(new ListThingPrincipalsV2Command({ thingName: 'missing' })));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(400);
  });

  it('AWS IoT data plane and Jobs data plane: ThrottlingException with status 429', async () => {
    const data = new IoTDataPlaneClient({ ...fx.clientConfig, maxAttempts: 1 });
    const shadowError = await exhaust(() => data.send(new GetThingShadowCommand({ thingName: 'core-9', shadowName: 'x' })));
    expect(shadowError).toBeInstanceOf(DataThrottlingException);
    expect((shadowError as DataThrottlingException).$metadata.httpStatusCode).toBe(429);
    const jobs = new IoTJobsDataPlaneClient({ ...fx.clientConfig, maxAttempts: 1 });
    const jobsError = await exhaust(() => jobs.send(new DescribeJobExecutionCommand({ jobId: 'j', thingName: 'core-9' })));
    expect(jobsError).toBeInstanceOf(JobsThrottlingException);
    expect((jobsError as JobsThrottlingException).$metadata.httpStatusCode).toBe(429);
  });

  it('AWS Private CA: ThrottlingException with status 400', async () => {
    const pca = new ACMPCAClient({ ...fx.clientConfig, maxAttempts: 1 });
    const error = await exhaust(() =>
      pca.send(
        new IssueCertificateCommand({
          CertificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/x',
          Csr: Buffer.from('x'),
          SigningAlgorithm: 'SHA256WITHRSA',
          Validity: { Type: 'DAYS', Value: 1 },
        }),
      ),
    );
    expect((error as Error).name).toBe('ThrottlingException');
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
  });
});
