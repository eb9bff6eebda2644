import type { IncomingHttpHeaders } from 'node:http';
import type { WireError } from '../errors.js';

/** One HTTP request, read whole. */
export interface RawRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  requestId: string;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** A request resolved to the operation it names; `invoke` runs the operation. */
export interface ResolvedCall {
  operation: string;
  /** The request's parameters (path labels, query, body fields), for IAM to find the resources. */
  params: Readonly<Record<string, unknown>>;
  /** The thing the request names, for quotas that apply per thing. */
  thingName?: string;
  invoke(): Promise<HttpReply>;
}

/**
 * One AWS protocol (restJson1, awsJson1_1, awsQuery) bound to one service's operations: it finds the
 * operation a request names, and writes errors the way that protocol's SDK deserializer reads them.
 */
export interface ProtocolEndpoint {
  /** Throws a ProtocolError when the request names no known operation. */
  resolve(request: RawRequest): ResolvedCall;
  errorReply(error: WireError, request: RawRequest): HttpReply;
}
