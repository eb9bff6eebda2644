import type { AedesPublishPacket, Client } from 'aedes';

const WINDOW = 1024;

/**
 * aedes drops a delivery whose broker counter is lower than the last one delivered to the
 * client. That loses a QoS 1 message overtaken by a QoS 0 one published after it (notify-next
 * and a jobs reply, for instance). This replaces it with an exact check: a packet is a duplicate
 * only when it was delivered to the client already (overlapping subscriptions match it twice).
 */
export class DeliveryDedupe {
  private readonly delivered = new WeakMap<Client, Set<string>>();

  /** Turns off aedes' own check for this client; call before the client's first delivery. */
  adopt(client: Client): void {
    const neverSeen = new Proxy(Object.create(null) as Record<string, number>, { get: () => 0, set: () => true });
    (client as unknown as { duplicates: Record<string, number> }).duplicates = neverSeen;
  }

  isDuplicate(client: Client, packet: AedesPublishPacket): boolean {
    let seen = this.delivered.get(client);
    if (!seen) this.delivered.set(client, (seen = new Set()));
    const id = `${packet.brokerId}:${packet.brokerCounter}`;
    if (seen.has(id)) return true;
    seen.add(id);
    if (seen.size > WINDOW) seen.delete(seen.values().next().value as string);
    return false;
  }
}
