import { topicMatches } from '../rules/topic-filter.js';

/**
 * `inbound`: a device's publish on its way to AWS IoT; `outbound`: a delivery to a device;
 * `service`: a message AWS IoT publishes itself (job execution events, shadow and jobs replies),
 * before it reaches the rules engine and the subscribers.
 */
export type Direction = 'inbound' | 'outbound' | 'service';

export interface MessageFaultOptions {
  /** Default: inbound and outbound. */
  direction?: Direction | 'both';
  /** Only messages of this MQTT client (the publisher inbound, the receiver outbound). */
  clientId?: string;
  /** How many matching messages the fault applies to (default 1). */
  count?: number;
  /** Only messages whose payload passes this test. */
  match?: (payload: Buffer) => boolean;
  /** Let this many matching messages through untouched before the fault applies (default 0). */
  skip?: number;
  /** Called each time the fault takes a message. */
  onTaken?: () => void;
}

/** What happens to a message a hook fault takes: passed on, or lost. */
export type HookOutcome = 'deliver' | 'drop';

export type FaultAction =
  | { kind: 'drop' }
  | { kind: 'delay'; delayMs: number }
  /** Passed on twice. */
  | { kind: 'duplicate' }
  /** Runs `run` when the message passes (a power cut or a dropped connection there), then delivers or drops it. */
  | { kind: 'hook'; run: (message: { topic: string; payload: Buffer }) => void; then: HookOutcome };

interface MessageFault {
  topicFilter: string;
  directions: Direction[];
  clientId?: string;
  match?: (payload: Buffer) => boolean;
  skip: number;
  remaining: number;
  action: FaultAction;
  onTaken?: () => void;
}

/** Faults the broker applies to the next messages that match them. */
export class MessageFaults {
  private faults: MessageFault[] = [];

  dropNext(topicFilter: string, options: MessageFaultOptions = {}): void {
    this.add(topicFilter, { kind: 'drop' }, options);
  }

  delayNext(topicFilter: string, delayMs: number, options: MessageFaultOptions = {}): void {
    this.add(topicFilter, { kind: 'delay', delayMs }, options);
  }

  duplicateNext(topicFilter: string, options: MessageFaultOptions = {}): void {
    this.add(topicFilter, { kind: 'duplicate' }, options);
  }

  hookNext(
    topicFilter: string,
    run: (message: { topic: string; payload: Buffer }) => void,
    then: HookOutcome,
    options: MessageFaultOptions = {},
  ): void {
    this.add(topicFilter, { kind: 'hook', run, then }, options);
  }

  /** Removes every fault, or those of one client and those on topics that name it. */
  clear(clientId?: string): void {
    this.faults =
      clientId === undefined ? [] : this.faults.filter((f) => f.clientId !== clientId && !f.topicFilter.split('/').includes(clientId));
  }

  /** Faults not yet used up. */
  pending(): number {
    return this.faults.length;
  }

  /** The action for this message, consuming one use of the first matching fault. */
  take(direction: Direction, topic: string, clientId: string | undefined, payload: Buffer = Buffer.alloc(0)): FaultAction | undefined {
    const fault = this.faults.find(
      (f) =>
        f.directions.includes(direction) &&
        (f.clientId === undefined || f.clientId === clientId) &&
        topicMatches(f.topicFilter, topic) &&
        (f.match === undefined || f.match(payload)),
    );
    if (!fault) return undefined;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return undefined;
    }
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    fault.onTaken?.();
    return fault.action;
  }

  private add(topicFilter: string, action: FaultAction, options: MessageFaultOptions): void {
    const direction = options.direction ?? 'both';
    this.faults.push({
      topicFilter,
      directions: direction === 'both' ? ['inbound', 'outbound'] : [direction],
      ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
      ...(options.match === undefined ? {} : { match: options.match }),
      ...(options.onTaken === undefined ? {} : { onTaken: options.onTaken }),
      skip: options.skip ?? 0,
      remaining: options.count ?? 1,
      action,
    });
  }
}
