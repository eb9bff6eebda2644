import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { throttled, toWireError } from './errors.js';
import { ThrottleFaults } from './faults.js';
import type { ApiRateLimits } from './rate-limits.js';
import type { HttpReply, ProtocolEndpoint, RawRequest } from './protocols/protocol.js';
import { accessKeyOf, type OperationRef, type ServiceName, serviceOfRequest, signedFor } from './service-name.js';

/** One resolved call, as IAM sees it. */
export interface CallToAuthorize {
  service: ServiceName;
  operation: string;
  params: Readonly<Record<string, unknown>>;
  /** From the SigV4 credential scope; undefined for an unsigned request. */
  accessKeyId: string | undefined;
}

/** The server's TLS certificate chain and key, PEM. */
export interface ServerTls {
  certificatePem: string;
  privateKeyPem: string;
}

export interface HttpServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Throws an AWS error (AccessDeniedException) when the caller may not make the call. */
  authorize?: (call: CallToAuthorize) => void;
  /** Called with failures that are not AWS errors (they answer 500), e.g. to log them. */
  onInternalError?: (error: unknown, operation: string) => void;
  /** AWS's request-rate quotas; absent: nothing is throttled but injected faults. */
  rateLimits?: ApiRateLimits;
}

export interface RunningHttpServer {
  /** `https://host:port`, usable as an SDK `endpoint`. */
  endpoint: string;
  /** `host:port`: the endpoint as DescribeEndpoint gives it (AWS gives a host name; the port is local). */
  address: string;
  faults: ThrottleFaults;
  close(): Promise<void>;
}

/** Body size cap; the largest legitimate payloads (shadow documents, PEMs) are a few KB. */
const MAX_BODY_BYTES = 1024 * 1024;
/** S3 objects here are component artifacts (the rotator's is about 6 MB). */
const MAX_S3_BODY_BYTES = 256 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const limit = signedFor(request.headers) === 's3' ? MAX_S3_BODY_BYTES : MAX_BODY_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, reply: HttpReply): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  response.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
  response.end(body);
}

/**
 * Serves several AWS APIs on one HTTPS port, as AWS serves its APIs only over TLS. Each request
 * goes to the protocol endpoint of the service it was signed for; injected throttling is applied
 * before the operation runs.
 */
export async function startHttpServer(
  endpoints: (self: { address(): string }) => Readonly<Record<ServiceName, ProtocolEndpoint>>,
  tls: ServerTls,
  options: HttpServerOptions = {},
): Promise<RunningHttpServer> {
  const faults = new ThrottleFaults();
  const host = options.host ?? '127.0.0.1';
  let endpoint = '';
  let address = '';
  const services = endpoints({ address: () => address });

  async function handle(incoming: IncomingMessage): Promise<HttpReply> {
    const body = await readBody(incoming);
    const service = serviceOfRequest(incoming.headers, body ?? Buffer.alloc(0));
    const protocol = services[service];
    const request: RawRequest = {
      method: incoming.method ?? 'GET',
      url: new URL(incoming.url ?? '/', endpoint),
      headers: incoming.headers,
      body: body ?? Buffer.alloc(0),
      requestId: randomUUID(),
    };
    if (body === undefined) {
      return protocol.errorReply({ code: 'RequestEntityTooLargeException', status: 413, message: 'Body too large' }, request);
    }
    let operation = '(unresolved)';
    try {
      const call = protocol.resolve(request);
      operation = call.operation;
      options.authorize?.({ service, operation, params: call.params, accessKeyId: accessKeyOf(incoming.headers) });
      const ref = `${service}:${operation}` as OperationRef;
      if (faults.take(ref) || options.rateLimits?.admit(ref, call.thingName) === false) throw throttled();
      return await call.invoke();
    } catch (error) {
      const wire = toWireError(error, service);
      if (wire.status >= 500) options.onInternalError?.(error, `${service}:${operation}`);
      return protocol.errorReply(wire, request);
    }
  }

  const server = createServer({ cert: tls.certificatePem, key: tls.privateKeyPem }, (incoming, response) => {
    handle(incoming).then(
      (reply) => send(response, reply),
      (error: unknown) => {
        options.onInternalError?.(error, '(transport)');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      },
    );
  });
  // Node's HTTP agent reuses a connection only when the server's Keep-Alive hint is over 1 s, and
  // keeps an idle one without a timeout of its own: a server that closes idle connections soon
  // races the client reusing one (ECONNRESET), which a busy fleet run meets. close() ends them all.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  address = `${host}:${port}`;
  endpoint = `https://${address}`;
  return {
    endpoint,
    address,
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
