import type { Logger } from '@aws-lambda-powertools/logger';

/**
 * A request the backend refused to answer because it did not come from the thing it names.
 * Every one is logged with the field `securityEvent`, so a CloudWatch Logs metric filter such as
 * `{ $.securityEvent = "*" }` counts them; this is also the one place to emit a metric for them.
 */
export interface SecurityEvent {
  kind: 'RequestFromAnotherConnection';
  request: 'create' | 'commit';
  /** Why the request was not the thing's own. */
  reason: string;
  /** What the rule passed on about the sender; values are the rule's, possibly forged, so logged as given. */
  thingName?: unknown;
  principal?: unknown;
  clientId?: unknown;
}

export type SecurityEventListener = (event: SecurityEvent) => void;

export function recordSecurityEvent(logger: Logger, event: SecurityEvent, listener?: SecurityEventListener): void {
  const { kind, ...fields } = event;
  logger.warn('Dropped a request that did not come from the thing it names; no reply sent', { securityEvent: kind, ...fields });
  listener?.(event);
}
