import { topicMatches } from '../rules/topic-filter.js';

/** `inbound`: a device's publish on its way to AWS IoT; `outbound`: a delivery to a device. */
export type Direction = 'inbound' | 'outbound';

export interface MessageFaultOptions {
  /** Default: both directions. */
  direction?: Direction | 'both';
  /** Only messages of this MQTT client (the publisher inbound, the receiver outbound). */
  clientId?: string;
  /** How many matching messages the fault applies to (default 1). */
  count?: number;
}

export type FaultAction = { kind: 'drop' } | { kind: 'delay'; delayMs: number };

interface MessageFault {
  topicFilter: string;
  directions: Direction[];
  clientId?: string;
  remaining: number;
  action: FaultAction;
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

  clear(): void {
    this.faults = [];
  }

  /** Faults not yet used up. */
  pending(): number {
    return this.faults.length;
  }

  /** The action for this message, consuming one use of the first matching fault. */
  take(direction: Direction, topic: string, clientId: string | undefined): FaultAction | undefined {
    const fault = this.faults.find(
      (f) =>
        f.directions.includes(direction) && (f.clientId === undefined || f.clientId === clientId) && topicMatches(f.topicFilter, topic),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault.action;
  }

  private add(topicFilter: string, action: FaultAction, options: MessageFaultOptions): void {
    const direction = options.direction ?? 'both';
    this.faults.push({
      topicFilter,
      directions: direction === 'both' ? ['inbound', 'outbound'] : [direction],
      ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
      remaining: options.count ?? 1,
      action,
    });
  }
}
