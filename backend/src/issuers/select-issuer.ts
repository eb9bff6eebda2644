import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import type { IoTClient } from '@aws-sdk/client-iot';
import { controlPlaneConfig, type ClientConfig } from '../aws/clients.js';
import type { CertificateIssuerFactory } from './certificate-issuer.js';
import { iotCoreIssuer } from './iot-core-issuer.js';
import { privateCaIssuer, type PrivateCaSettings } from './private-ca-issuer.js';

/**
 * Which issuer signs, and its settings. The rotation handlers pass this through without looking
 * inside, as cert-manager's controllers treat their issuers: adding an issuer changes this module
 * and the issuer's own, nothing else.
 */
export type IssuerSettings = { kind: 'iot-core' } | ({ kind: 'private-ca' } & PrivateCaSettings);

export const IOT_CORE_ISSUER: IssuerSettings = { kind: 'iot-core' };

/** The one place that knows which issuers exist. */
export function selectIssuer(iot: IoTClient, clientConfig: ClientConfig, settings: IssuerSettings): CertificateIssuerFactory {
  switch (settings.kind) {
    case 'iot-core':
      return iotCoreIssuer(iot);
    case 'private-ca': {
      const { kind: _kind, ...pca } = settings;
      return privateCaIssuer(iot, new ACMPCAClient(controlPlaneConfig(clientConfig)), pca);
    }
  }
}
