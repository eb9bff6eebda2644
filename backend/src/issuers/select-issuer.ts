import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import type { IoTClient } from '@aws-sdk/client-iot';
import { controlPlaneConfig, type ClientConfig } from '../aws/clients.js';
import type { CertificateIssuerFactory } from './certificate-issuer.js';
import { iotCoreIssuer } from './iot-core-issuer.js';
import { privateCaIssuer, type PrivateCaSettings } from './private-ca-issuer.js';

/** The one place that knows which issuers exist: Private CA when configured, else AWS IoT Core. */
export function selectIssuer(iot: IoTClient, clientConfig: ClientConfig, pca: PrivateCaSettings | undefined): CertificateIssuerFactory {
  if (pca === undefined) return iotCoreIssuer(iot);
  return privateCaIssuer(iot, new ACMPCAClient(controlPlaneConfig(clientConfig)), pca);
}
