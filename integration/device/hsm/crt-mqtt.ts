import { io, iot, mqtt } from 'aws-iot-device-sdk-v2';
import type { IotMessage, IotMqtt, Qos } from '../../../component/src/transport/iot-mqtt.js';
import { topicMatches } from '../../../shared/mqtt/topic-match.js';

/** Where the core's private key lives: a label in a PKCS#11 token, used through aws-crt. */
export interface Pkcs11KeyLocation {
  /** The process's one handle on the PKCS#11 library (see `SharedPkcs11Library`). */
  lib: io.Pkcs11Lib;
  slot: number;
  userPin: string;
  /** CKA_LABEL of the private key (the URI's `object=`). */
  keyLabel: string;
}

export interface CrtMqttOptions {
  host: string;
  port: number;
  /** CA that signed the broker's server certificate. */
  caPem: string;
  /** The client certificate (PEM), read from the token: it is a public object. */
  certificatePem: string;
  key: Pkcs11KeyLocation;
  clientId: string;
}

interface Subscription {
  filter: string;
  onMessage: (message: IotMessage) => void;
}

/**
 * IotMqtt over aws-crt's MQTT 3.1.1 client with mutual TLS whose private key stays in a PKCS#11
 * token: aws-c-io signs the TLS handshake with C_Sign on the token (as the Greengrass nucleus
 * does), so no key bytes exist in this process.
 *
 * The TLS context finds the key by label when it is built, so a connection is good for the
 * credentials installed at that moment only. aws-crt's own reconnect would reuse that context
 * (and a key object the rotation may since have destroyed); instead an interruption ends the
 * connection and reports a disconnect, and the owner (ReconnectingIotMqtt) connects afresh with
 * whatever is installed then, as the nucleus does after a restart.
 */
export class CrtMqtt implements IotMqtt {
  private readonly subscriptions: Subscription[] = [];
  private readonly disconnectListeners: Array<() => void> = [];
  private isConnected = true;

  private constructor(private readonly connection: mqtt.MqttClientConnection) {
    connection.on('message', (topic: string, payload: ArrayBuffer) => {
      const body = Buffer.from(payload);
      for (const s of this.subscriptions) if (topicMatches(s.filter, topic)) s.onMessage({ topic, payload: body });
    });
    connection.on('interrupt', () => void this.end());
    connection.on('disconnect', () => this.markDisconnected());
    connection.on('closed', () => this.markDisconnected());
  }

  static async connect(options: CrtMqttOptions): Promise<CrtMqtt> {
    const failed = (error: unknown): Error =>
      new Error(
        `MQTT connection of ${options.clientId} (key "${options.key.keyLabel}" in PKCS#11 slot ${options.key.slot}) failed: ${describe(error)}`,
      );
    let connection: mqtt.MqttClientConnection;
    try {
      // Building the TLS context opens a token session and finds the key: errors surface here.
      const config = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_pkcs11_builder({
        pkcs11_lib: options.key.lib,
        user_pin: options.key.userPin,
        slot_id: options.key.slot,
        private_key_object_label: options.key.keyLabel,
        cert_file_contents: options.certificatePem,
      })
        .with_certificate_authority(options.caPem)
        .with_endpoint(options.host)
        .with_port(options.port)
        .with_client_id(options.clientId)
        .with_clean_session(true)
        .with_keep_alive_seconds(60)
        .build();
      connection = new mqtt.MqttClient().new_connection(config);
      // aws-crt also emits failures as 'error' events; without a listener they would be thrown.
      connection.on('error', () => undefined);
    } catch (error) {
      throw failed(error);
    }
    try {
      await connection.connect();
    } catch (error) {
      await connection.disconnect().catch(() => undefined);
      throw failed(error);
    }
    return new CrtMqtt(connection);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** Called once when the connection ends for any reason (broker closed it, network, close()). */
  onDisconnect(listener: () => void): void {
    if (!this.isConnected) queueMicrotask(listener);
    else this.disconnectListeners.push(listener);
  }

  async subscribe(topic: string, qos: Qos, onMessage: (message: IotMessage) => void): Promise<void> {
    let granted: mqtt.MqttSubscribeRequest;
    try {
      granted = await this.connection.subscribe(topic, qos);
    } catch (error) {
      throw new Error(`subscription to ${topic} failed: ${describe(error)}`);
    }
    // A refused subscription comes back with the SUBACK failure code 0x80 in place of a QoS.
    if ((granted.qos as number) === 0x80) throw new Error(`subscription to ${topic} refused by the broker`);
    this.subscriptions.push({ filter: topic, onMessage });
  }

  async publish(topic: string, payload: string, qos: Qos): Promise<void> {
    if (!this.isConnected) {
      if (qos === 0) return;
      throw new Error(`cannot publish to ${topic}: not connected`);
    }
    try {
      await this.connection.publish(topic, payload, qos);
    } catch (error) {
      throw new Error(`publish to ${topic} failed: ${describe(error)}`);
    }
  }

  async close(): Promise<void> {
    this.subscriptions.length = 0;
    await this.end();
  }

  private async end(): Promise<void> {
    const wasConnected = this.isConnected;
    this.markDisconnected();
    if (wasConnected) await this.connection.disconnect().catch(() => undefined);
  }

  private markDisconnected(): void {
    if (!this.isConnected) return;
    this.isConnected = false;
    for (const listener of this.disconnectListeners.splice(0)) listener();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
