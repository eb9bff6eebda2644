import type { IoTClient } from '@aws-sdk/client-iot';
import type { ClientConfig } from '../aws/clients.js';
import type { CertificateIssuerFactory } from './certificate-issuer.js';
import type { IssuerSettings } from './issuer-settings.js';
import { iotCoreIssuer } from './iot-core-issuer.js';

/**
 * The selector of a create function deployed for AWS IoT Core issuing: the construct bundles it
 * instead of selectIssuer when no Private CA is configured, and so leaves the AWS Private CA
 * client (about a quarter of the bundle) out. Asked for another issuer, it says how to get one.
 */
export function selectIotCoreIssuer(iot: IoTClient, _clientConfig: ClientConfig, settings: IssuerSettings): CertificateIssuerFactory {
  if (settings.kind !== 'iot-core') {
    throw new Error(
      `This create-certificate function was built for AWS IoT Core issuing only, but PCA_CA_ARN asks for ${settings.kind}: deploy the backend with privateCaArn so that the Private CA issuer is bundled`,
    );
  }
  return iotCoreIssuer(iot);
}
