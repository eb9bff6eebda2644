import { ACMPCAClient, GetCertificateCommand, RequestInProgressException } from '@aws-sdk/client-acm-pca';
import { DescribeThingCommand, IoTClient, ResourceNotFoundException, ThrottlingException } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { NotFoundException, PublishCommand as SnsPublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { get } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAuthorities } from '../model/ca/local-authorities.js';
import { AwsError, notFound } from '../model/errors.js';
import { sdkClientConfig, type SdkClientConfig } from './client-config.js';
import { awsJsonEndpoint } from './protocols/aws-json.js';
import { awsQueryEndpoint } from './protocols/aws-query.js';
import { restJsonEndpoint } from './protocols/rest-json.js';
import { type RunningHttpServer, startHttpServer } from './server.js';

const region = 'us-east-1';

describe('protocol endpoints with the real SDK clients', () => {
  let server: RunningHttpServer;
  let config: SdkClientConfig;
  let caCertificatePem: string;
  const published: { topic: string; body: string; qos: string | null }[] = [];

  beforeAll(async () => {
    const authorities = await LocalAuthorities.create(() => Date.now());
    caCertificatePem = authorities.serverRoot.certificatePem;
    server = await startHttpServer(
      () => ({
        iot: restJsonEndpoint([
          {
            operation: 'DescribeThing',
            method: 'GET',
            path: '/things/{thingName}',
            handle: ({ labels }) => {
              if (labels.thingName !== 'known') throw notFound(`Thing ${labels.thingName} cannot be found.`);
              return { json: { thingName: 'known', version: 3 } };
            },
          },
        ]),
        'iot-data': restJsonEndpoint([
          {
            operation: 'Publish',
            method: 'POST',
            path: '/topics/{topic}',
            handle: ({ labels, body, query }) => {
              published.push({ topic: labels.topic ?? '', body: body.toString(), qos: query.get('qos') });
              return undefined;
            },
          },
        ]),
        'iot-jobs-data': restJsonEndpoint([]),
        'acm-pca': awsJsonEndpoint('ACMPrivateCA', {
          GetCertificate: (input) => {
            if ((input as { CertificateArn?: string }).CertificateArn === 'pending') {
              throw new AwsError('RequestInProgressException', 'Not issued yet');
            }
            return { Certificate: 'PEM' };
          },
        }),
        sns: awsQueryEndpoint('http://sns.amazonaws.com/doc/2010-03-31/', {
          Publish: (params) => {
            if (params.get('TopicArn') !== 'arn:topic') throw notFound('Topic does not exist');
            return { MessageId: `id<&>${params.get('Message') ?? ''}` };
          },
        }),
        greengrass: restJsonEndpoint([]),
        s3: restJsonEndpoint([]),
      }),
      await authorities.issueServerCredentials(),
    );
    config = sdkClientConfig({ region, endpoint: server.endpoint, caCertificatePem });
  });
  afterAll(() => server.close());

  const iot = () => new IoTClient(config);

  it('routes restJson1 by URI template and answers the SDK shape', async () => {
    const out = await iot().send(new DescribeThingCommand({ thingName: 'known' }));
    expect(out).toMatchObject({ thingName: 'known', version: 3 });
  });

  it('turns model errors into the SDK exception class', async () => {
    const error = await iot()
      .send(new DescribeThingCommand({ thingName: 'other' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as ResourceNotFoundException).message).toBe('Thing other cannot be found.');
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
  });

  it('dispatches by signing service: the data plane gets Publish with an encoded topic', async () => {
    const client = new IoTDataPlaneClient(config);
    await client.send(new PublishCommand({ topic: '$aws/things/t1/jobs/x', qos: 1, payload: Buffer.from('{"a":1}') }));
    expect(published).toEqual([{ topic: '$aws/things/t1/jobs/x', body: '{"a":1}', qos: '1' }]);
  });

  it('speaks awsJson1_1 with __type errors', async () => {
    const client = new ACMPCAClient(config);
    expect(await client.send(new GetCertificateCommand({ CertificateAuthorityArn: 'ca', CertificateArn: 'done' }))).toMatchObject({
      Certificate: 'PEM',
    });
    const error = await client
      .send(new GetCertificateCommand({ CertificateAuthorityArn: 'ca', CertificateArn: 'pending' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestInProgressException);
  });

  it('speaks awsQuery with XML results and errors', async () => {
    const client = new SNSClient(config);
    const out = await client.send(new SnsPublishCommand({ TopicArn: 'arn:topic', Message: 'hi' }));
    expect(out.MessageId).toBe('id<&>hi');
    const error = await client.send(new SnsPublishCommand({ TopicArn: 'arn:other', Message: 'x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundException);
  });

  it('throttles the next N calls of one operation, then recovers', async () => {
    server.faults.throttleNext('iot:DescribeThing', 2);
    const client = new IoTClient({ ...config, maxAttempts: 1 });
    for (let i = 0; i < 2; i++) {
      await expect(client.send(new DescribeThingCommand({ thingName: 'known' }))).rejects.toBeInstanceOf(ThrottlingException);
    }
    await expect(client.send(new DescribeThingCommand({ thingName: 'known' }))).resolves.toMatchObject({ thingName: 'known' });
    expect(server.faults.pending()).toEqual({});
  });

  it('answers an unknown restJson1 route with a 404 service error', async () => {
    const response = await new Promise<{ status?: number; errorType: unknown }>((resolve, reject) => {
      get(`${server.endpoint}/nowhere`, { ca: caCertificatePem }, (res) => {
        res.resume();
        resolve({ status: res.statusCode, errorType: res.headers['x-amzn-errortype'] });
      }).on('error', reject);
    });
    expect(response).toEqual({ status: 404, errorType: 'UnknownOperationException' });
  });

  it('serves HTTPS only, with a certificate that a client without the stand-in root refuses', async () => {
    const refused = await new IoTClient({ ...config, requestHandler: {} })
      .send(new DescribeThingCommand({ thingName: 'known' }))
      .catch((e: unknown) => e);
    expect((refused as { code?: string }).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
    expect(server.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });
});
