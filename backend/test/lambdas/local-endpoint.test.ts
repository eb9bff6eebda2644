import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommitCertificateHandler } from '../../src/index.js';
import { JOB_DOCUMENT, JOB_ID, NEW_ID, SHADOW_NAME, silentLogger, THING } from './support/harness.js';

/**
 * The real SDK clients against a local HTTP endpoint, as the stand-in runs them: the control plane
 * at `clientConfig.endpoint`, the data planes wherever DescribeEndpoint points (here a whole URL).
 */
interface Seen {
  method: string;
  path: string;
  body: string;
}

const seen: Seen[] = [];
let server: Server;
let url: string;

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

beforeAll(async () => {
  server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const path = decodeURIComponent(request.url ?? '');
      seen.push({ method: request.method ?? '', path, body });
      response.setHeader('content-type', 'application/json');
      if (path.startsWith('/endpoint')) {
        response.end(JSON.stringify({ endpointAddress: url }));
      } else if (path.includes('/principals-v2')) {
        // The connection's certificate is the thing's, but attached non-exclusively: the commit
        // is the thing's own, and its pre-conditions (two exclusive certificates) fail.
        const exclusive = path.includes('thingPrincipalType=EXCLUSIVE_THING');
        const objects = exclusive
          ? []
          : [{ principal: `arn:aws:iot:eu-west-1:123456789012:cert/${NEW_ID}`, thingPrincipalType: 'NON_EXCLUSIVE_THING' }];
        response.end(JSON.stringify({ thingPrincipalObjects: objects }));
      } else if (path.startsWith('/topics/')) {
        response.end('{}');
      } else {
        response.statusCode = 404;
        response.setHeader('x-amzn-errortype', 'ResourceNotFoundException');
        response.end(JSON.stringify({ message: 'No such resource' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('handlers against a local endpoint', () => {
  it('reach the control plane at the given endpoint and the data planes where DescribeEndpoint points', async () => {
    const commit = createCommitCertificateHandler({
      clientConfig: { region: 'eu-west-1', endpoint: url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
      jobDocument: JOB_DOCUMENT,
      shadowName: SHADOW_NAME,
      logger: silentLogger(),
    });
    await commit({
      jobId: JOB_ID,
      thingName: THING,
      topic: `awslabs/things/${THING}/certificate/commit`,
      clientId: THING,
      principal: NEW_ID,
    });
    const paths = seen.map((request) => `${request.method} ${request.path.split('?')[0] ?? ''}`);
    expect(paths).toEqual([
      `GET /things/${THING}/principals-v2`,
      'GET /endpoint',
      `GET /things/${THING}/shadow`,
      'GET /endpoint',
      `GET /things/${THING}/jobs/${JOB_ID}`,
      `POST /topics/awslabs/things/${THING}/certificate/commit/rejected`,
    ]);
    expect(seen[1]?.path).toContain('endpointType=iot:Data-ATS');
    expect(seen[3]?.path).toContain('endpointType=iot:Jobs');
    expect(seen.at(-1)?.path).toContain('qos=0');
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toEqual({ errorMsg: 'Pre-conditions not met' });
  });
});
