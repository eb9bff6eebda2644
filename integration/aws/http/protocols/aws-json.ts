import { invalidRequest } from '../../model/errors.js';
import { ProtocolError, type WireError } from '../errors.js';
import type { HttpReply, ProtocolEndpoint, RawRequest, ResolvedCall } from './protocol.js';

/** An awsJson1_1 operation: JSON document in, JSON document out. */
export type JsonOperation = (input: unknown) => unknown;

const CONTENT_TYPE = 'application/x-amz-json-1.1';

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw invalidRequest('request body: not valid JSON');
  }
}

/**
 * An awsJson1_1 service: every call is `POST /` with `X-Amz-Target: <prefix>.<Operation>`;
 * errors are JSON documents whose `__type` names the exception.
 */
export function awsJsonEndpoint(targetPrefix: string, operations: Readonly<Record<string, JsonOperation>>): ProtocolEndpoint {
  return {
    resolve(request: RawRequest): ResolvedCall {
      const target = request.headers['x-amz-target'];
      const name = typeof target === 'string' && target.startsWith(`${targetPrefix}.`) ? target.slice(targetPrefix.length + 1) : '';
      const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
      if (request.method !== 'POST' || !operation) {
        throw new ProtocolError('UnknownOperationException', 400, `Unknown operation ${String(target)}`);
      }
      let params: Record<string, unknown> = {};
      try {
        const body = parseBody(request.body);
        if (typeof body === 'object' && body !== null) params = body as Record<string, unknown>;
      } catch {
        // The operation itself reports the unreadable body.
      }
      return {
        operation: name,
        params,
        invoke: async () => ({
          status: 200,
          headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': request.requestId },
          body: JSON.stringify((await operation(parseBody(request.body))) ?? {}),
        }),
      };
    },
    errorReply(error: WireError, request: RawRequest): HttpReply {
      return {
        status: error.status,
        headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': request.requestId },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    },
  };
}
