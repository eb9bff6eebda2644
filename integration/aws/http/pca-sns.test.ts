import { X509Certificate } from 'node:crypto';
import {
  ACMPCAClient,
  DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCertificateCommand,
  GetCertificateCommand,
  InvalidArnException,
  IssueCertificateCommand,
  MalformedCSRException,
  RequestInProgressException,
  ResourceNotFoundException,
  waitUntilCertificateIssued,
} from '@aws-sdk/client-acm-pca';
import {
  CreateTopicCommand,
  InvalidParameterException,
  ListTopicsCommand,
  NotFoundException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, makeCsr, startApiFixture } from '../../test/support/aws/http.js';

describe('AWS Private CA and SNS over HTTP', () => {
  let fx: ApiFixture;
  let pca: ACMPCAClient;
  let caArn = '';

  beforeAll(async () => {
    fx = await startApiFixture();
    pca = new ACMPCAClient({ ...fx.clientConfig, maxAttempts: 1 });
    caArn = (await fx.model.privateCa.createCertificateAuthority({ keyAlgorithm: 'EC_prime256v1', id: 'rotator-ca' }))
      .certificateAuthorityArn;
  });
  afterAll(() => fx.close());

  it('describes the CA and hands out its certificate', async () => {
    const { CertificateAuthority: ca } = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: caArn }));
    expect(ca).toMatchObject({
      Arn: caArn,
      OwnerAccount: '123456789012',
      Status: 'ACTIVE',
      Type: 'ROOT',
      CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA' },
    });
    expect(ca?.CreatedAt).toBeInstanceOf(Date);
    const { Certificate } = await pca.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: caArn }));
    expect(new X509Certificate(Certificate ?? '').ca).toBe(true);
  });

  it('issues asynchronously: GetCertificate is in progress until the SDK waiter sees it issued', async () => {
    fx.model.pcaIssuanceDelayMs = 300;
    const issued = await pca.send(
      new IssueCertificateCommand({
        CertificateAuthorityArn: caArn,
        Csr: Buffer.from(await makeCsr('CN=core-1')),
        SigningAlgorithm: 'SHA256WITHECDSA',
        Validity: { Value: 7, Type: 'DAYS' },
      }),
    );
    const input = { CertificateAuthorityArn: caArn, CertificateArn: issued.CertificateArn ?? '' };
    expect(input.CertificateArn.startsWith(`${caArn}/certificate/`)).toBe(true);
    await expect(pca.send(new GetCertificateCommand(input))).rejects.toBeInstanceOf(RequestInProgressException);

    const waited = await waitUntilCertificateIssued({ client: pca, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, input);
    expect(waited.state).toBe('SUCCESS');
    const { Certificate, CertificateChain } = await pca.send(new GetCertificateCommand(input));
    const certificate = new X509Certificate(Certificate ?? '');
    expect(certificate.subject).toBe('CN=core-1');
    expect(certificate.checkIssued(new X509Certificate(CertificateChain ?? ''))).toBe(true);
    expect((Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000).toBeCloseTo(7, 1);
  });

  it('maps Private CA refusals to their exception classes', async () => {
    const csr = Buffer.from(await makeCsr());
    const issue = (arn: string, signingAlgorithm = 'SHA256WITHECDSA', body: Uint8Array = csr) =>
      pca.send(
        new IssueCertificateCommand({
          CertificateAuthorityArn: arn,
          Csr: body,
          SigningAlgorithm: signingAlgorithm as 'SHA256WITHECDSA',
          Validity: { Value: 7, Type: 'DAYS' },
        }),
      );
    await expect(issue('not-an-arn')).rejects.toBeInstanceOf(InvalidArnException);
    await expect(issue(caArn.replace('rotator-ca', 'other-ca'))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(issue(caArn, 'SHA256WITHECDSA', Buffer.from('garbage'))).rejects.toBeInstanceOf(MalformedCSRException);
    const mismatch = await issue(caArn, 'SHA256WITHRSA').catch((e: unknown) => e);
    expect((mismatch as Error).name).toBe('ValidationException');
    await expect(
      pca.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: `${caArn}/certificate/0000` })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('creates topics, lists them and publishes notifications to the SNS log', async () => {
    const sns = new SNSClient({ ...fx.clientConfig, maxAttempts: 1 });
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: 'AWSLabsCertificateRotatorNotification', Attributes: { DisplayName: 'Rotator' } }),
    );
    expect(TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:AWSLabsCertificateRotatorNotification');
    expect((await sns.send(new ListTopicsCommand({}))).Topics).toEqual([{ TopicArn }]);

    const subject = 'AWS Labs Certificate Rotator Notification';
    const message = 'Certificate rotation job execution for core-1 FAILED. <details> & more';
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Subject: subject, Message: message }));
    expect(fx.model.sns.messages(TopicArn)).toEqual([expect.objectContaining({ messageId: MessageId, subject, message })]);
    expect(fx.model.sns.listTopics()[0]?.attributes).toEqual({ DisplayName: 'Rotator' });

    const missing = 'arn:aws:sns:us-east-1:123456789012:Missing';
    await expect(sns.send(new PublishCommand({ TopicArn: missing, Message: 'x' }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(sns.send(new PublishCommand({ TopicArn: 'bad', Message: 'x' }))).rejects.toBeInstanceOf(InvalidParameterException);
    fx.api.throttleNext('sns:Publish', 1);
    await expect(sns.send(new PublishCommand({ TopicArn, Message: 'x' }))).rejects.toBeInstanceOf(ThrottledException);
    expect(fx.model.sns.messages(TopicArn)).toHaveLength(1);
  });
});
