import { AwsError } from '../../model/errors.js';
import type { S3Buckets } from '../../model/s3-buckets.js';
import { ProtocolError, type WireError } from '../errors.js';
import type { HttpReply, ProtocolEndpoint, RawRequest, ResolvedCall } from '../protocols/protocol.js';

const xmlEscape = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** `/bucket` and `/bucket/key...` of a path-style request. */
function bucketAndKey(url: URL): { bucket: string; key?: string } {
  const [, bucket = '', ...rest] = url.pathname.split('/');
  if (bucket === '') throw new ProtocolError('MethodNotAllowed', 405, 'Listing buckets is not modelled');
  const key = rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined;
  return { bucket: decodeURIComponent(bucket), ...(key === undefined || key === '' ? {} : { key }) };
}

/**
 * The S3 operations publishing a component needs (CreateBucket, HeadBucket, PutObject, GetObject,
 * HeadObject), path-style, for the SDK's S3 client with `forcePathStyle`. Errors are S3's XML.
 */
export function s3Endpoint(buckets: S3Buckets): ProtocolEndpoint {
  const headers = (request: RawRequest, extra: Record<string, string> = {}): Record<string, string> => ({
    'x-amz-request-id': request.requestId,
    'x-amz-id-2': request.requestId,
    ...extra,
  });
  return {
    resolve(request: RawRequest): ResolvedCall {
      const { bucket, key } = bucketAndKey(request.url);
      const ok = (operation: string, run: () => HttpReply): ResolvedCall => ({
        operation,
        params: key === undefined ? { Bucket: bucket } : { Bucket: bucket, Key: key },
        invoke: async () => run(),
      });
      if (key === undefined) {
        if (request.method === 'PUT') {
          return ok('CreateBucket', () => {
            buckets.createBucket(bucket);
            return { status: 200, headers: headers(request, { location: `/${bucket}` }), body: '' };
          });
        }
        if (request.method === 'HEAD') {
          return ok('HeadBucket', () => {
            if (!buckets.hasBucket(bucket)) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist');
            return { status: 200, headers: headers(request), body: '' };
          });
        }
      } else {
        if (request.method === 'PUT') {
          return ok('PutObject', () => {
            const type = request.headers['content-type'];
            const stored = buckets.putObject(bucket, key, request.body, typeof type === 'string' ? type : undefined);
            return { status: 200, headers: headers(request, { etag: stored.etag }), body: '' };
          });
        }
        if (request.method === 'GET' || request.method === 'HEAD') {
          return ok(request.method === 'GET' ? 'GetObject' : 'HeadObject', () => {
            const stored = buckets.getObject(bucket, key);
            const meta = {
              etag: stored.etag,
              'content-type': stored.contentType,
              'last-modified': new Date(stored.lastModified).toUTCString(),
              'accept-ranges': 'bytes',
            };
            // For HEAD the server sends the headers (content-length included) and drops the body.
            return { status: 200, headers: headers(request, meta), body: stored.bytes };
          });
        }
      }
      throw new ProtocolError('MethodNotAllowed', 405, `${request.method} ${request.url.pathname} is not modelled`);
    },
    errorReply(error: WireError, request: RawRequest): HttpReply {
      const code =
        error.code === 'ThrottlingException' ? 'SlowDown' : error.code === 'InvalidRequestException' ? 'InvalidRequest' : error.code;
      const status = code === 'SlowDown' ? 503 : error.status;
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(error.message)}</Message><RequestId>${request.requestId}</RequestId></Error>`;
      // HEAD errors carry no body; the SDK then names the error after the status (NotFound).
      return { status, headers: headers(request, { 'content-type': 'application/xml' }), body: request.method === 'HEAD' ? '' : body };
    },
  };
}
