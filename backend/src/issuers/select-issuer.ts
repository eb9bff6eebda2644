import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import type { IoTClient } from '@aws-sdk/client-iot';
import { controlPlaneConfig, type ClientConfig } from '../aws/clients.js';
import type { CertificateIssuerFactory } from './certificate-issuer.js';
import type { IssuerSettings } from './issuer-settings.js';
import { iotCoreIssuer } from './iot-core-issuer.js';
import { privateCaIssuer } from './private-ca-issuer.js';

export { IOT_CORE_ISSUER, type IssuerSelector, type IssuerSettings } from './issuer-settings.js';

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
