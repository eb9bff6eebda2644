import { Agent } from 'node:https';

/** Access keys of the account's administrator: any key the stand-in did not issue to a role session. */
export const ADMIN_CREDENTIALS = { accessKeyId: 'AKIASTANDINADMIN0001', secretAccessKey: 'stand-in-administrator' } as const;

/** Settings that any AWS SDK v3 client of this process spreads into its constructor. */
export interface SdkClientConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The SDK's NodeHttpHandler options: an agent that trusts the stand-in's root. */
  requestHandler: { httpsAgent: Agent };
}

/**
 * SDK client settings for the stand-in's HTTPS APIs from inside this process. NODE_EXTRA_CA_CERTS
 * is read once when Node starts, so a client in a process that is already running trusts the
 * stand-in's root through its own HTTPS agent instead; child processes get NODE_EXTRA_CA_CERTS.
 */
export function sdkClientConfig(options: {
  region: string;
  endpoint: string;
  caCertificatePem: string;
  credentials?: SdkClientConfig['credentials'];
}): SdkClientConfig {
  return {
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials ?? { ...ADMIN_CREDENTIALS },
    requestHandler: { httpsAgent: new Agent({ ca: options.caCertificatePem, keepAlive: true }) },
  };
}
