import type { HandlerClients } from '../aws/clients.js';
import { publishReply } from '../aws/replies.js';
import { replyTopic, type RequestKind } from '../../../shared/contract/index.js';
import type { InvocationStart } from './handler-settings.js';

/**
 * Logs a device request that failed validation and, when it names a valid thing, tells the device
 * why on the request's rejected topic; without a thing name there is nobody to tell.
 */
export async function rejectInvalidRequest(
  kind: RequestKind,
  rejection: { problem: string; thingName?: string },
  clients: HandlerClients,
  start: InvocationStart,
): Promise<void> {
  const { problem, thingName } = rejection;
  const invocation = start.invocation(thingName === undefined ? {} : { thingName });
  invocation.logger.warn(`Rejected an invalid ${kind} request`, { problem });
  if (thingName === undefined) return;
  await publishReply(await clients.iotData(invocation), replyTopic(kind, thingName, 'rejected'), { errorMsg: problem }, invocation);
}
