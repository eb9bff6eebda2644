import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ACMPCAClient,
  ACMPCAServiceException,
  GetCertificateCommand,
  IssueCertificateCommand,
  waitUntilCertificateIssued,
} from '@aws-sdk/client-acm-pca';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The Private CA client (3.523.0, the older SDK generation) runs on the newer generation's @smithy
 * and @aws-sdk packages that package.json's `overrides` give it. What it puts on the wire and what
 * it makes of the answers must be what AWS Private CA's JSON 1.1 protocol and SigV4 ask, checked
 * here against a local endpoint with a signature check written from the SigV4 specification.
 */

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'session' };
const CA_ARN = `arn:aws:acm-pca:${REGION}:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555`;
const CERT_ARN = `${CA_ARN}/certificate/0123456789abcdef`;

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** The signature SigV4 gives the request as received, from the headers its Authorization names. */
function expectedAuthorization(request: Received): string {
  const authorization = String(request.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? '';
  const date = String(request.headers['x-amz-date']);
  const scope = `${date.slice(0, 8)}/${REGION}/acm-pca/aws4_request`;
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => `${name}:${String(request.headers[name]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [request.method, request.path, '', canonicalHeaders, signedHeaders, sha256(request.body)].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonicalRequest)].join('\n');
  const key = ['acm-pca', 'aws4_request'].reduce<Buffer>(
    (k, part) => hmac(k, part),
    hmac(hmac(`AWS4${CREDENTIALS.secretAccessKey}`, date.slice(0, 8)), REGION),
  );
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

describe('the Private CA client on the newer SDK packages', () => {
  const received: Received[] = [];
  const answers: Array<{ status: number; body: object; headers?: Record<string, string> }> = [];
  let server: Server;
  let pca: ACMPCAClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        const answer = answers.shift() ?? { status: 500, body: { message: 'no answer queued' } };
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'request-1', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    pca = new ACMPCAClient({ region: REGION, maxAttempts: 1, endpoint: `http://127.0.0.1:${port}`, credentials: CREDENTIALS });
  });

  afterAll(async () => {
    pca.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends IssueCertificate as a signed JSON 1.1 request and reads the answer', async () => {
    answers.push({ status: 200, body: { CertificateArn: CERT_ARN } });
    const answer = await pca.send(
      new IssueCertificateCommand({
        CertificateAuthorityArn: CA_ARN,
        Csr: new TextEncoder().encode('CSR'),
        SigningAlgorithm: 'SHA256WITHECDSA',
        Validity: { Value: 7, Type: 'DAYS' },
        ApiPassthrough: { Extensions: { ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'CLIENT_AUTH' }] } },
      }),
    );
    expect(answer.CertificateArn).toBe(CERT_ARN);
    expect(answer.$metadata).toMatchObject({ httpStatusCode: 200, requestId: 'request-1' });

    const request = received.at(-1);
    if (request === undefined) throw new Error('no request received');
    expect(request).toMatchObject({ method: 'POST', path: '/' });
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'ACMPrivateCA.IssueCertificate',
      'x-amz-security-token': CREDENTIALS.sessionToken,
    });
    expect(JSON.parse(request.body)).toEqual({
      CertificateAuthorityArn: CA_ARN,
      Csr: Buffer.from('CSR').toString('base64'),
      SigningAlgorithm: 'SHA256WITHECDSA',
      Validity: { Value: 7, Type: 'DAYS' },
      ApiPassthrough: { Extensions: { ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'CLIENT_AUTH' }] } },
    });
    expect(String(request.headers.authorization).split(', SignedHeaders=')[1]).toContain('x-amz-target');
    expect(request.headers.authorization).toBe(expectedAuthorization(request));
  });

  it("turns the service's errors into the client's exceptions", async () => {
    answers.push({ status: 400, body: { __type: 'com.amazonaws.acmpca#MalformedCSRException', message: 'not a CSR' } });
    const error = await pca
      .send(new GetCertificateCommand({ CertificateAuthorityArn: CA_ARN, CertificateArn: CERT_ARN }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ACMPCAServiceException);
    expect(error).toMatchObject({
      name: 'MalformedCSRException',
      message: 'not a CSR',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });

    answers.push({ status: 400, body: {}, headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/' } });
    const throttled = await pca
      .send(new GetCertificateCommand({ CertificateAuthorityArn: CA_ARN, CertificateArn: CERT_ARN }))
      .catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(ACMPCAServiceException);
    expect(throttled).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
  });

  it('waits through RequestInProgressException until GetCertificate answers the certificate', async () => {
    answers.push(
      { status: 400, body: { __type: 'RequestInProgressException', message: 'pending' } },
      { status: 200, body: { Certificate: 'CERTIFICATE', CertificateChain: 'CHAIN' } },
    );
    const before = received.length;
    const result = await waitUntilCertificateIssued(
      { client: pca, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { CertificateAuthorityArn: CA_ARN, CertificateArn: CERT_ARN },
    );
    expect(result.state).toBe('SUCCESS');
    expect(result.reason).toMatchObject({ Certificate: 'CERTIFICATE', CertificateChain: 'CHAIN' });
    expect(received.slice(before).map((r) => r.headers['x-amz-target'])).toEqual([
      'ACMPrivateCA.GetCertificate',
      'ACMPrivateCA.GetCertificate',
    ]);
  });
});
