import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  hsmLabelFromPaths,
  PKCS11_PROVIDER_COMPONENT,
  parsePkcs11ProviderConfig,
  type HsmCredentialPaths,
  type Pkcs11ProviderConfig,
} from '../../../component/src/credentials/pkcs11/index.js';
import type { BrokerAddress, MqttConnector } from '../reconnecting-mqtt.js';
import { CrtMqtt } from './crt-mqtt.js';
import type { SharedPkcs11Library } from './pkcs11-library.js';
import { readTokenCertificatePem } from './token-credentials.js';

/** What the nucleus reads from its effective configuration to use credentials in an HSM. */
export interface HsmCoreSettings {
  paths: HsmCredentialPaths;
  /** The label shared by the certificate and the private key. */
  label: string;
  provider: Pkcs11ProviderConfig;
}

const effectiveConfigSchema = z.object({
  system: z.object({ certificateFilePath: z.string(), privateKeyPath: z.string() }),
  services: z.record(z.string(), z.object({ configuration: z.unknown().optional() }).loose()),
});

/** Reads `system.*Path` (PKCS#11 URIs) and the Pkcs11Provider configuration; errors name the field. */
export function readHsmCoreSettings(effectiveConfigPath: string): HsmCoreSettings {
  const parsed = effectiveConfigSchema.safeParse(parse(readFileSync(effectiveConfigPath, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${effectiveConfigPath}: ${issue?.path.map(String).join('.') ?? ''} ${issue?.message ?? 'is invalid'}`);
  }
  const { system, services } = parsed.data;
  const provider = services[PKCS11_PROVIDER_COMPONENT];
  if (provider === undefined) throw new Error(`${effectiveConfigPath}: services.${PKCS11_PROVIDER_COMPONENT} is missing`);
  const paths = { certificateFilePath: system.certificateFilePath, privateKeyPath: system.privateKeyPath };
  return { paths, label: hsmLabelFromPaths(paths), provider: parsePkcs11ProviderConfig(provider.configuration) };
}

/**
 * The nucleus's connection for a core whose key is in a token: each call reads the certificate
 * object installed under the label now and signs the handshake with the private key of that label.
 */
export function hsmConnector(
  broker: BrokerAddress,
  library: SharedPkcs11Library,
  settings: HsmCoreSettings,
  clientId: string,
): MqttConnector {
  return async () =>
    CrtMqtt.connect({
      ...broker,
      clientId,
      certificatePem: readTokenCertificatePem(settings.provider, settings.label),
      key: { lib: library.lib, slot: settings.provider.slot, userPin: settings.provider.userPin, keyLabel: settings.label },
    });
}
