import type { IncomingHttpHeaders } from 'node:http';
import { invalidRequest } from '../../model/errors.js';
import { ProtocolError, type WireError } from '../errors.js';
import type { HttpReply, ProtocolEndpoint, RawRequest, ResolvedCall } from './protocol.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** What a restJson1 operation handler sees: path labels, query, headers and the raw body. */
export interface RestRequest {
  labels: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A JSON document, a raw payload (`@httpPayload` blobs such as shadow documents), or nothing;
 * `status` is the operation's `@http` code when it is not 200 (Greengrass's creates answer 201).
 */
export type RestResult = { json: unknown; status?: number } | { payload: Buffer | Uint8Array | string } | undefined;

export interface RestRoute {
  operation: string;
  method: HttpMethod;
  /** Smithy `@http` URI template without its query part, e.g. `/things/{thingName}/principals`. */
  path: string;
  handle(request: RestRequest): RestResult | Promise<RestResult>;
}

type Segment = { literal: string } | { label: string };

interface CompiledRoute {
  route: RestRoute;
  segments: Segment[];
}

const splitPath = (path: string): string[] => path.split('/').filter((s) => s.length > 0);

function compile(route: RestRoute): CompiledRoute {
  const segments = splitPath(route.path).map((s): Segment => {
    const label = /^\{(\w+)\}$/.exec(s)?.[1];
    return label ? { label } : { literal: s };
  });
  return { route, segments };
}

function matchRoute(compiled: CompiledRoute, method: string, parts: string[]): Record<string, string> | undefined {
  if (compiled.route.method !== method || compiled.segments.length !== parts.length) return undefined;
  const labels: Record<string, string> = {};
  for (const [i, segment] of compiled.segments.entries()) {
    const part = parts[i] ?? '';
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      labels[segment.label] = part;
    }
  }
  return labels;
}

/** Labels are matched per segment after decoding, so an encoded `/` (as in MQTT topics) stays one label. */
function decodeSegments(pathname: string): string[] {
  try {
    return splitPath(pathname).map((s) => decodeURIComponent(s));
  } catch {
    throw new ProtocolError('SerializationException', 400, `Malformed path: ${pathname}`);
  }
}

function reply(result: RestResult, requestId: string): HttpReply {
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
  if (result === undefined) return { status: 200, headers: { ...headers, 'content-type': 'application/json' }, body: '{}' };
  if ('json' in result) {
    return { status: result.status ?? 200, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(result.json) };
  }
  const body = typeof result.payload === 'string' ? result.payload : Buffer.from(result.payload);
  return { status: 200, headers: { ...headers, 'content-type': 'application/octet-stream' }, body };
}

/** A restJson1 service: routes by method and URI template; errors carry `x-amzn-ErrorType`. */
export function restJsonEndpoint(routes: readonly RestRoute[]): ProtocolEndpoint {
  // Literal segments win over labels (`/thing-groups/addThingToThingGroup` before `/thing-groups/{name}`).
  const labelCount = (c: CompiledRoute): number => c.segments.filter((s) => 'label' in s).length;
  const compiled = routes.map(compile).sort((a, b) => labelCount(a) - labelCount(b));
  return {
    resolve(request: RawRequest): ResolvedCall {
      const parts = decodeSegments(request.url.pathname);
      for (const candidate of compiled) {
        const labels = matchRoute(candidate, request.method, parts);
        if (!labels) continue;
        const restRequest: RestRequest = {
          labels,
          query: request.url.searchParams,
          headers: request.headers,
          body: request.body,
        };
        return {
          operation: candidate.route.operation,
          params: { ...queryObject(restRequest), ...jsonFields(restRequest), ...labels },
          ...(labels.thingName === undefined ? {} : { thingName: labels.thingName }),
          invoke: async () => reply(await candidate.route.handle(restRequest), request.requestId),
        };
      }
      throw new ProtocolError('UnknownOperationException', 404, `No operation for ${request.method} ${request.url.pathname}`);
    },
    errorReply(error: WireError, request: RawRequest): HttpReply {
      return {
        status: error.status,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': error.code,
          'x-amzn-requestid': request.requestId,
        },
        body: JSON.stringify({ message: error.message }),
      };
    },
  };
}

/** The request's JSON body (empty = `{}`); unreadable JSON is the caller's error. */
export function jsonBody(request: RestRequest): unknown {
  if (request.body.length === 0) return {};
  try {
    return JSON.parse(request.body.toString('utf8')) as unknown;
  } catch {
    throw invalidRequest('request body: not valid JSON');
  }
}

/** The body's fields when it is a JSON object, else none (a raw payload, or not JSON). */
function jsonFields(request: RestRequest): Record<string, unknown> {
  try {
    const body = jsonBody(request);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The query string as a plain object (each name's first value), for schema parsing. */
export const queryObject = (request: RestRequest): Record<string, string> =>
  Object.fromEntries([...new Set(request.query.keys())].map((k) => [k, request.query.get(k) ?? '']));

export function header(request: RestRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
