import type { IotMessage, IotMqtt, Qos } from '../../component/src/transport/iot-mqtt.js';
import type { Logger } from '../../shared/logging/logger.js';
import { DirectMqtt } from './direct-mqtt.js';

export interface BrokerAddress {
  host: string;
  port: number;
  caPem: string;
}

export interface InstalledCredentials {
  certificatePem: string;
  privateKeyPem: string;
}

interface Subscription {
  topic: string;
  qos: Qos;
  onMessage: (message: IotMessage) => void;
}

/** One live connection to AWS IoT, whatever client library and key storage it uses. */
export interface MqttConnection extends IotMqtt {
  readonly connected: boolean;
  /** Called once when the connection drops for any reason. */
  onDisconnect(listener: () => void): void;
}

/** Opens a new connection with the credentials installed at the moment it is called. */
export type MqttConnector = () => Promise<MqttConnection>;

/**
 * The nucleus's side of the connection to AWS IoT: keeps the component's subscriptions, and
 * whenever the connection drops reconnects with whatever credentials are installed at that
 * moment, as the Greengrass nucleus does. QoS 0 publishes while offline are dropped.
 * How a connection is opened (PEM files over mqtt.js, or a PKCS#11 key over aws-crt) is the
 * connector's business.
 */
export class ReconnectingIotMqtt implements IotMqtt {
  private connection: MqttConnection | undefined;
  private readonly subscriptions: Subscription[] = [];
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempts = 0;

  constructor(
    private readonly connect: MqttConnector,
    private readonly clientId: string,
    private readonly logger: Logger,
    private readonly retryDelayMs = 500,
  ) {}

  /** Connects once; on failure keeps retrying in the background and resolves false. */
  async start(): Promise<boolean> {
    return this.tryConnect();
  }

  get connected(): boolean {
    return this.connection?.connected ?? false;
  }

  private async tryConnect(): Promise<boolean> {
    if (this.closed) return false;
    this.attempts += 1;
    try {
      const connection = await this.connect();
      if (this.closed) {
        await connection.close();
        return false;
      }
      for (const s of this.subscriptions) await connection.subscribe(s.topic, s.qos, s.onMessage);
      this.connection = connection;
      this.attempts = 0;
      connection.onDisconnect(() => {
        if (this.connection !== connection) return;
        this.connection = undefined;
        if (!this.closed) {
          this.logger.warn('Connection to AWS IoT lost; reconnecting', { clientId: this.clientId });
          this.scheduleRetry();
        }
      });
      return true;
    } catch (error) {
      if (this.attempts === 1 || this.attempts % 20 === 0) {
        this.logger.warn('Cannot connect to AWS IoT; retrying', {
          clientId: this.clientId,
          attempts: this.attempts,
          reason: (error as Error).message,
        });
      }
      this.scheduleRetry();
      return false;
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.tryConnect();
    }, this.retryDelayMs);
  }

  async subscribe(topic: string, qos: Qos, onMessage: (message: IotMessage) => void): Promise<void> {
    // Offline subscriptions are kept and applied on (re)connection, as the nucleus does.
    if (this.connection) await this.connection.subscribe(topic, qos, onMessage);
    this.subscriptions.push({ topic, qos, onMessage });
  }

  async publish(topic: string, payload: string, qos: Qos): Promise<void> {
    if (!this.connection) {
      if (qos === 0) return;
      throw new Error(`cannot publish to ${topic}: offline`);
    }
    await this.connection.publish(topic, payload, qos);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const connection = this.connection;
    this.connection = undefined;
    this.subscriptions.length = 0;
    if (connection) await connection.close();
  }
}

/** The nucleus with file credentials: PEM certificate and key read afresh at every connection. */
export class ReconnectingMqtt extends ReconnectingIotMqtt {
  constructor(
    broker: BrokerAddress,
    clientId: string,
    readCredentials: () => Promise<InstalledCredentials>,
    logger: Logger,
    retryDelayMs = 500,
  ) {
    super(async () => DirectMqtt.connect({ ...broker, ...(await readCredentials()), clientId }), clientId, logger, retryDelayMs);
  }
}
