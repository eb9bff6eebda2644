import type { IoTClient } from '@aws-sdk/client-iot';
import type { ClientConfig } from '../aws/clients.js';
import type { CertificateIssuerFactory } from './certificate-issuer.js';
import type { PrivateCaSettings } from './private-ca-issuer.js';

/**
 * Which issuer signs, and its settings. The rotation handlers pass this through without looking
 * inside, as cert-manager's controllers treat their issuers: adding an issuer changes the selector
 * and the issuer's own module, nothing else.
 */
export type IssuerSettings = { kind: 'iot-core' } | ({ kind: 'private-ca' } & PrivateCaSettings);

export const IOT_CORE_ISSUER: IssuerSettings = { kind: 'iot-core' };

/**
 * Builds the configured issuer. The create handler is given one, so that a bundle built for AWS IoT
 * Core issuing does not carry the AWS Private CA client (see select-iot-core-issuer.ts).
 */
export type IssuerSelector = (iot: IoTClient, clientConfig: ClientConfig, settings: IssuerSettings) => CertificateIssuerFactory;
