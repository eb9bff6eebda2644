import type { Client } from 'aedes';
import type { ConnectionIdentity } from '../policy/broker-authorization.js';

export interface ConnectionInfo extends ConnectionIdentity {
  /** Epoch milliseconds. */
  connectedAt: number;
}

export interface ConnectionEvent {
  kind: 'connected' | 'disconnected' | 'refused';
  clientId?: string;
  principal?: string;
  reason?: string;
  /** Epoch milliseconds. */
  at: number;
}

/** The broker's view of who is connected with which certificate, and a log of it. */
export class ConnectionTable {
  /** Principal established by the TLS handshake, before (and after) the MQTT CONNECT. */
  private readonly principals = new WeakMap<Client, string>();
  private readonly live = new Map<Client, ConnectionInfo>();
  private readonly log: ConnectionEvent[] = [];

  constructor(private readonly now: () => number) {}

  bindPrincipal(client: Client, principal: string): void {
    this.principals.set(client, principal);
  }

  principalOf(client: Client): string | undefined {
    return this.principals.get(client);
  }

  identityOf(client: Client): ConnectionIdentity | undefined {
    const principal = this.principals.get(client);
    return principal === undefined || !client.id ? undefined : { clientId: client.id, principal };
  }

  connected(client: Client): void {
    const identity = this.identityOf(client);
    if (!identity) return;
    this.live.set(client, { ...identity, connectedAt: this.now() });
    this.log.push({ kind: 'connected', ...identity, at: this.now() });
  }

  disconnected(client: Client, reason?: string): void {
    const info = this.live.get(client);
    if (!info) return;
    this.live.delete(client);
    this.log.push({
      kind: 'disconnected',
      clientId: info.clientId,
      principal: info.principal,
      ...(reason === undefined ? {} : { reason }),
      at: this.now(),
    });
  }

  refused(reason: string, identity: Partial<ConnectionIdentity> = {}): void {
    this.log.push({ kind: 'refused', ...identity, reason, at: this.now() });
  }

  list(): ConnectionInfo[] {
    return [...this.live.values()].map((c) => ({ ...c }));
  }

  clientsOf(predicate: (info: ConnectionInfo) => boolean): Client[] {
    return [...this.live.entries()].filter(([, info]) => predicate(info)).map(([client]) => client);
  }

  events(): ConnectionEvent[] {
    return this.log.map((e) => ({ ...e }));
  }
}
