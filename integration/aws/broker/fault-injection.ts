import type { AedesPublishPacket, Client, PublishPacket } from 'aedes';
import { MessageFaults } from './faults.js';

/** Topic prefix that sidelines a dropped inbound message: nothing subscribes or reacts to it. */
export const DROPPED = '$stand-in/dropped/';

function messageKey(clientId: string | undefined, topic: string, payload: Buffer | string): string {
  return `${clientId ?? ''}\u0000${topic}\u0000${Buffer.from(payload).toString('base64')}`;
}

/**
 * The broker's injected faults on the wire: device publishes dropped, delayed, duplicated or
 * hooked on their way in, and deliveries to devices on their way out.
 */
export class FaultInjection {
  readonly faults = new MessageFaults();
  /** Delayed or duplicated outbound deliveries, to pass the outbound check once. */
  private readonly released = new Set<string>();
  /** Device publishes to pass on a second time. */
  private readonly duplicates = new Set<string>();

  /** Applies the inbound fault, if any, to a device publish; calls `done` when the publish may go on. */
  inbound(clientId: string | undefined, packet: PublishPacket, done: () => void): void {
    const fault = this.faults.take('inbound', packet.topic, clientId, Buffer.from(packet.payload));
    if (fault?.kind === 'hook') fault.run({ topic: packet.topic, payload: Buffer.from(packet.payload) });
    if (fault?.kind === 'drop' || (fault?.kind === 'hook' && fault.then === 'drop')) packet.topic = `${DROPPED}${packet.topic}`;
    if (fault?.kind === 'duplicate') this.duplicates.add(messageKey(clientId, packet.topic, packet.payload));
    if (fault?.kind === 'delay') setTimeout(done, fault.delayMs);
    else done();
  }

  /** Whether this device publish is to reach AWS IoT's services a second time (asked once). */
  takeDuplicate(clientId: string | undefined, topic: string, payload: Buffer | string): boolean {
    return this.duplicates.delete(messageKey(clientId, topic, payload));
  }

  /** The delivery to `client` as the outbound fault leaves it: the packet, or null when held back or dropped. */
  outbound(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    const key = messageKey(client.id, packet.topic, packet.payload);
    if (this.released.delete(key)) return packet;
    const fault = this.faults.take('outbound', packet.topic, client.id, Buffer.from(packet.payload));
    if (!fault) return packet;
    const copy: PublishPacket = {
      cmd: 'publish',
      topic: packet.topic,
      payload: Buffer.from(packet.payload),
      qos: packet.qos,
      retain: false,
      dup: false,
    };
    const sendCopy = (): void => {
      if (client.closed) return;
      this.released.add(key);
      client.publish(copy, () => undefined);
    };
    switch (fault.kind) {
      case 'delay':
        setTimeout(sendCopy, fault.delayMs);
        return null;
      case 'duplicate':
        setImmediate(sendCopy);
        return packet;
      case 'hook':
        fault.run({ topic: packet.topic, payload: Buffer.from(packet.payload) });
        return fault.then === 'deliver' ? packet : null;
      case 'drop':
        return null;
    }
  }
}
