import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import type { Logger } from '../../../shared/logging/logger.js';
import type { AwsModel } from '../model/aws-model.js';
import { Listeners } from '../model/listeners.js';
import { type ConnectionEvent, type ConnectionInfo, ConnectionTable } from './connections.js';
import { DeliveryDedupe } from './delivery-dedupe.js';
import { DROPPED, FaultInjection } from './fault-injection.js';
import { BrokerAuthorization, type ConnectionIdentity } from '../policy/broker-authorization.js';
import { PublishRateLimiter } from '../policy/publish-rate.js';

/** A message as AWS IoT sees it; `origin` is absent for messages AWS IoT publishes itself. */
export interface BrokerMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  origin?: ConnectionIdentity;
}

export interface BrokerOptions {
  model: AwsModel;
  logger: Logger;
  /** Default 127.0.0.1 and an ephemeral port. */
  host?: string;
  port?: number;
}

const refusal = (message: string): AuthenticateError =>
  Object.assign(new Error(message), { returnCode: 5 as AuthenticateError['returnCode'] });

/**
 * AWS IoT's MQTT endpoint: aedes behind a TLS server that requires a client certificate. The
 * connection's principal is the certificate id; the certificate must be registered and ACTIVE
 * (otherwise CONNACK "not authorized"), and its connections close when it stops being ACTIVE.
 */
export class IotBroker {
  private readonly injection = new FaultInjection();
  readonly faults = this.injection.faults;
  private readonly listeners: Listeners<BrokerMessage>;
  private readonly connectionTable: ConnectionTable;
  private readonly dedupe = new DeliveryDedupe();
  private readonly cleanups: Array<() => void> = [];
  private readonly authorization: BrokerAuthorization;
  private readonly publishRate = new PublishRateLimiter();
  private readonly refusedByClient = new Map<string, number>();

  private constructor(
    private readonly model: AwsModel,
    private readonly logger: Logger,
    private readonly aedes: Aedes,
    private readonly server: tls.Server,
    readonly caCertificatePem: string,
  ) {
    this.listeners = new Listeners((error) => logger.error('Broker listener failed', { error: String(error) }));
    this.connectionTable = new ConnectionTable(() => model.clock.now());
    this.authorization = new BrokerAuthorization(model);
  }

  static async start(options: BrokerOptions): Promise<IotBroker> {
    const { model, logger } = options;
    const credentials = await model.authorities.issueServerCredentials();
    const aedes = await Aedes.createBroker();
    const server = tls.createServer({
      key: credentials.privateKeyPem,
      cert: credentials.certificatePem,
      requestCert: true,
      // Chains are not checked by TLS: AWS IoT also accepts certificates registered without a CA.
      // The handshake still proves the client holds the certificate's private key.
      rejectUnauthorized: false,
    });
    const broker = new IotBroker(model, logger, aedes, server, model.authorities.serverRoot.certificatePem);
    broker.wire();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return broker;
  }

  get host(): string {
    return (this.server.address() as AddressInfo).address;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Every message through the broker: device publishes and AWS IoT's own. */
  onMessage(listener: (message: BrokerMessage) => void): () => void {
    return this.listeners.add(listener);
  }

  /** Publishes as AWS IoT (what the model's message bus feeds), after the faults set for AWS's own messages. */
  async publish(topic: string, payload: Buffer, qos: 0 | 1 = 0): Promise<void> {
    const send = (): Promise<void> => {
      const packet: PublishPacket = { cmd: 'publish', topic, payload, qos, retain: false, dup: false };
      return new Promise((resolve, reject) => this.aedes.publish(packet, (error) => (error ? reject(error) : resolve())));
    };
    const fault = this.faults.take('service', topic, undefined, payload);
    if (fault?.kind === 'hook') fault.run({ topic, payload });
    if (fault?.kind === 'drop' || (fault?.kind === 'hook' && fault.then === 'drop')) return;
    if (fault?.kind === 'delay') {
      setTimeout(
        () => void send().catch((error: unknown) => this.logger.error('Delayed publish failed', { topic, error: String(error) })),
        fault.delayMs,
      );
      return;
    }
    await send();
    if (fault?.kind === 'duplicate') await send();
  }

  /** Publishes dropped because their connection exceeded AWS IoT's per-connection rate. */
  throttledPublishes(): number {
    return this.publishRate.throttled;
  }

  /** Publishes refused (and their connections closed) because the policy did not allow them, by client id. */
  refusedPublishes(clientId: string): number {
    return this.refusedByClient.get(clientId) ?? 0;
  }

  connections(): ConnectionInfo[] {
    return this.connectionTable.list();
  }

  connectionLog(): ConnectionEvent[] {
    return this.connectionTable.events();
  }

  /** Closes the connections of this client id; returns how many were closed. */
  disconnect(clientId: string): number {
    const clients = this.connectionTable.clientsOf((c) => c.clientId === clientId);
    for (const client of clients) client.close();
    return clients.length;
  }

  async close(): Promise<void> {
    for (const cleanup of this.cleanups) cleanup();
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private wire(): void {
    const { aedes, model } = this;
    this.server.on('secureConnection', (socket) => {
      const peer = socket.getPeerCertificate(false);
      if (!peer?.raw) {
        this.connectionTable.refused('no client certificate');
        socket.destroy();
        return;
      }
      const principal = createHash('sha256').update(peer.raw).digest('hex');
      const client = aedes.handle(socket);
      this.connectionTable.bindPrincipal(client, principal);
      this.dedupe.adopt(client);
    });
    this.server.on('tlsClientError', (error) => this.logger.debug('TLS handshake failed', { error: error.message }));

    aedes.authenticate = (client, _username, _password, done) => {
      const principal = this.connectionTable.principalOf(client);
      const reason =
        principal === undefined
          ? 'no client certificate'
          : (this.certificateProblem(principal) ??
            (this.authorization.mayConnect({ clientId: client.id, principal })
              ? undefined
              : `iot:Connect on client/${client.id} not allowed by policy`));
      if (reason !== undefined) {
        this.connectionTable.refused(reason, { clientId: client.id, ...(principal ? { principal } : {}) });
        this.logger.info('Connection refused', { clientId: client.id, certificateId: principal, reason });
        done(refusal(reason), null);
        return;
      }
      done(null, true);
    };
    aedes.authorizePublish = (client, packet, done) => {
      const identity = client ? this.connectionTable.identityOf(client) : undefined;
      if (client && (!identity || !this.authorization.mayPublish(identity, packet.topic))) {
        this.logger.warn('Publish not authorized; closing the connection', { clientId: client.id, topic: packet.topic });
        this.refusedByClient.set(client.id, (this.refusedByClient.get(client.id) ?? 0) + 1);
        done(new Error(`Not authorized to publish on ${packet.topic}`));
        return;
      }
      if (client && !this.publishRate.take(client)) {
        this.logger.debug('Publish throttled: connection over its publish rate', { clientId: client.id, topic: packet.topic });
        packet.topic = `${DROPPED}${packet.topic}`;
        done(null);
        return;
      }
      this.injection.inbound(client?.id, packet, () => done(null));
    };
    aedes.authorizeSubscribe = (client, subscription, done) => {
      const identity = this.connectionTable.identityOf(client);
      if (!identity || !this.authorization.maySubscribe(identity, subscription.topic)) {
        this.logger.warn('Subscription refused', { clientId: client.id, topic: subscription.topic });
        done(null, null);
        return;
      }
      done(null, subscription);
    };
    aedes.authorizeForward = (client, packet) => this.forward(client, packet);
    aedes.on('client', (client) => this.connectionTable.connected(client));
    aedes.on('clientDisconnect', (client) => this.connectionTable.disconnected(client));
    aedes.on('clientError', (client, error) => this.logger.debug('Client error', { clientId: client.id, error: error.message }));
    aedes.on('publish', (packet, client) => {
      if (packet.topic.startsWith('$SYS/') || packet.topic.startsWith(DROPPED)) return;
      const identity = client ? this.connectionTable.identityOf(client) : undefined;
      const message: BrokerMessage = {
        topic: packet.topic,
        payload: Buffer.from(packet.payload),
        qos: packet.qos === 0 ? 0 : 1,
        ...(identity ? { origin: identity } : {}),
      };
      this.listeners.emit(message);
      // A duplicated device publish reaches AWS IoT's services (jobs, rules) a second time.
      if (this.injection.takeDuplicate(client?.id, packet.topic, packet.payload)) setImmediate(() => this.listeners.emit(message));
    });

    this.cleanups.push(
      model.messages.onMessage((message) => {
        this.publish(message.topic, message.payload, message.qos).catch((error: unknown) =>
          this.logger.error('Service publish failed', { topic: message.topic, error: String(error) }),
        );
      }),
      model.registry.certificates.onEvent((event) => {
        if (event.kind === 'created' || event.status === 'ACTIVE') return;
        const clients = this.connectionTable.clientsOf((c) => c.principal === event.certificateId);
        for (const client of clients) {
          this.logger.info('Closing connection of a certificate that is no longer active', {
            clientId: client.id,
            certificateId: event.certificateId,
            status: event.kind === 'deleted' ? 'DELETED' : event.status,
          });
          client.close();
        }
      }),
    );
  }

  /** Undefined when the certificate may connect, else why not. */
  private certificateProblem(certificateId: string): string | undefined {
    const record = this.model.registry.certificates.find(certificateId);
    if (!record) return 'certificate not registered';
    if (record.status !== 'ACTIVE') return `certificate is ${record.status}`;
    const now = this.model.clock.now();
    if (now < record.validity.notBefore || now > record.validity.notAfter) return 'certificate outside its validity';
    return undefined;
  }

  private forward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    if (this.dedupe.isDuplicate(client, packet)) return null;
    const receiver = this.connectionTable.identityOf(client);
    if (!receiver || !this.authorization.mayReceive(receiver, packet.topic)) return null;
    return this.injection.outbound(client, packet);
  }
}
