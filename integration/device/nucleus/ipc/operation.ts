import type { Logger } from '../../../../shared/logging/logger.js';
import type { z } from 'zod';

/** Who is calling: the component whose SVCUID opened the connection. */
export interface CallerContext {
  componentName: string;
  logger: Logger;
}

/** The server side of one open stream, for operations that push events after their response. */
export interface EventStream {
  /** Sends an event of the operation's event shape; queued until the initial response is out. */
  send(body: unknown): void;
  /** True once the client closed the stream or the connection went away. */
  readonly closed: boolean;
  /** Called once when the stream ends for any reason. */
  onClose(listener: () => void): void;
}

/** One IPC operation: the request's schema, the response and (for streams) event shapes, the handler. */
export interface OperationHandler<Request = unknown> {
  /** `PublishToIoTCore`, without the `aws.greengrass#` prefix. */
  name: string;
  requestSchema: z.ZodType<Request>;
  responseShape: string;
  /** Present for streaming operations: the shape of each event. */
  eventShape?: string;
  handle(request: Request, caller: CallerContext, stream: EventStream): Promise<unknown>;
}

/** Erases the request type so handlers of different operations fit one registry. */
export function defineOperation<Request>(handler: OperationHandler<Request>): OperationHandler {
  return handler as unknown as OperationHandler;
}
