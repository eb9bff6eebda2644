import { GetCertificateCommand, IssueCertificateCommand } from '@aws-sdk/client-acm-pca';
import {
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  DeleteCertificateCommand,
  RegisterCertificateWithoutCACommand,
} from '@aws-sdk/client-iot';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { arrangeCreate, createHandler, PCA_ARN, PCA_CERT_ARN, pcaSettings, rejected, request, TOPIC } from './support/create-fixture.js';
import {
  awsError,
  certArn,
  createMocks,
  CA_PEM,
  CSR,
  fakeTime,
  NEW_ID,
  NEW_PEM,
  OLD_PEM,
  published,
  type FakeTime,
} from './support/harness.js';

const mocks = createMocks();
let time: FakeTime;

beforeEach(() => {
  time = arrangeCreate(mocks);
});

describe('create-certificate with AWS Private CA issuing', () => {
  beforeEach(() => {
    mocks.pca.on(IssueCertificateCommand).resolves({ CertificateArn: PCA_CERT_ARN });
    mocks.iot.on(RegisterCertificateWithoutCACommand).resolves({ certificateId: NEW_ID, certificateArn: certArn(NEW_ID) });
  });

  it('issues, waits until issued, registers without CA and replies with the PEM', async () => {
    mocks.pca
      .on(GetCertificateCommand)
      .rejectsOnce(awsError('RequestInProgressException'))
      .rejectsOnce(awsError('RequestInProgressException'))
      .resolves({ Certificate: NEW_PEM, CertificateChain: CA_PEM });
    const waited = await onFakeTimers(() => createHandler(time, pcaSettings)(request(), time.context));

    const issue = mocks.pca.commandCalls(IssueCertificateCommand)[0]?.args[0].input;
    expect(issue?.CertificateAuthorityArn).toBe(PCA_ARN);
    expect(new TextDecoder().decode(issue?.Csr)).toBe(CSR);
    expect(issue?.SigningAlgorithm).toBe('SHA256WITHRSA');
    expect(issue?.Validity).toEqual({ Value: 7, Type: 'DAYS' });
    // The subject and extensions come from the API, not the CSR.
    expect(issue?.TemplateArn).toBe('arn:aws:acm-pca:::template/BlankEndEntityCertificate_APIPassthrough/V1');
    expect(issue?.ApiPassthrough).toEqual({
      Subject: { CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'core-1' }] },
      Extensions: { KeyUsage: { DigitalSignature: true }, ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'CLIENT_AUTH' }] },
    });
    expect(mocks.pca.commandCalls(GetCertificateCommand).map((c) => c.args[0].input)).toEqual(
      Array.from({ length: 3 }, () => ({ CertificateAuthorityArn: PCA_ARN, CertificateArn: PCA_CERT_ARN })),
    );
    // The waiter's backoff: at least 1 s before each poll after the first.
    expect(waited).toBeGreaterThanOrEqual(2_000);
    expect(mocks.iot.commandCalls(RegisterCertificateWithoutCACommand)[0]?.args[0].input).toEqual({
      certificatePem: NEW_PEM,
      status: 'ACTIVE',
    });
    expect(mocks.iot.commandCalls(CreateCertificateFromCsrCommand)).toHaveLength(0);
    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(1);
    expect(published(mocks)).toEqual([{ topic: `${TOPIC}/accepted`, qos: 0, payload: { certificatePem: NEW_PEM } }]);
  });

  it('removes a certificate not signed by the chain it came with, and rejects', async () => {
    mocks.pca.on(GetCertificateCommand).resolves({ Certificate: NEW_PEM, CertificateChain: OLD_PEM });
    await createHandler(time, pcaSettings)(request(), time.context);
    expect(published(mocks)).toEqual(
      rejected('Failed to create certificate from CSR: the issued certificate is not signed by the first certificate of its chain'),
    );
    expect(mocks.iot.commandCalls(DeleteCertificateCommand).map((c) => c.args[0].input)).toEqual([{ certificateId: NEW_ID }]);
    expect(mocks.iot.commandCalls(AttachThingPrincipalCommand)).toHaveLength(0);
  });

  it('stops waiting at once on an error other than in-progress, and replies with it', async () => {
    mocks.pca
      .on(GetCertificateCommand)
      .rejectsOnce(awsError('RequestInProgressException'))
      .rejects(awsError('AccessDeniedException', 400, 'Not allowed'));
    await onFakeTimers(() => createHandler(time, pcaSettings)(request(), time.context));
    expect(mocks.pca.commandCalls(GetCertificateCommand)).toHaveLength(2);
    expect(published(mocks)).toEqual(rejected('Failed to create certificate from CSR: AccessDeniedException: Not allowed'));
    expect(mocks.iot.commandCalls(RegisterCertificateWithoutCACommand)).toHaveLength(0);
  });

  it('stops polling when the time budget runs out', async () => {
    time = fakeTime(12_000); // 1 s margin and 5 s clean-up reserve leave 6 s to wait in
    mocks.pca.on(GetCertificateCommand).rejects(awsError('RequestInProgressException'));
    const waited = await onFakeTimers(() => createHandler(time, pcaSettings)(request(), time.context));
    expect(waited).toBeLessThanOrEqual(6_000);
    expect(mocks.pca.commandCalls(GetCertificateCommand).length).toBeGreaterThan(1);
    expect(published(mocks)).toEqual(
      rejected(
        expect.stringMatching(/^Failed to create certificate from CSR: Private CA did not issue the certificate within 6 s \(\d+ polls\)$/),
      ),
    );
    expect(mocks.iot.commandCalls(RegisterCertificateWithoutCACommand)).toHaveLength(0);
  });

  it('does not start waiting with less than two seconds of budget left', async () => {
    time = fakeTime(7_500); // 1 s margin and 5 s clean-up reserve leave 1.5 s
    mocks.pca.on(GetCertificateCommand).rejects(awsError('RequestInProgressException'));
    await onFakeTimers(() => createHandler(time, pcaSettings)(request(), time.context));
    expect(mocks.pca.commandCalls(GetCertificateCommand)).toHaveLength(0);
    expect(published(mocks)).toEqual(
      rejected('Failed to create certificate from CSR: Private CA issuance needs more than 1 s to wait in; 1 s remain'),
    );
  });

  it('replies with a Private CA error', async () => {
    mocks.pca.on(IssueCertificateCommand).rejects(awsError('MalformedCSRException', 400, 'Bad CSR'));
    await createHandler(time, pcaSettings)(request(), time.context);
    expect(published(mocks)).toEqual(rejected('Failed to create certificate from CSR: MalformedCSRException: Bad CSR'));
    expect(mocks.iot.commandCalls(RegisterCertificateWithoutCACommand)).toHaveLength(0);
  });
});

/** Runs `handle` with the SDK waiter's timers and clock faked; returns the milliseconds it waited. */
async function onFakeTimers(handle: () => Promise<unknown>): Promise<number> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  try {
    const started = Date.now();
    let settled = false;
    const running = handle().finally(() => (settled = true));
    while (!settled) await vi.advanceTimersByTimeAsync(100);
    await running;
    return Date.now() - started;
  } finally {
    vi.useRealTimers();
  }
}
