import type { IncomingHttpHeaders } from 'node:http';

/** The AWS APIs served on the one HTTP port; each SDK client signs for one of them. */
export type ServiceName = 'iot' | 'iot-data' | 'iot-jobs-data' | 'acm-pca' | 'sns' | 'greengrass' | 's3';

/** Operation reference used by fault injection, e.g. `iot:ListThingPrincipalsV2`. */
export type OperationRef = `${ServiceName}:${string}`;

const BY_SIGNING_NAME: Readonly<Record<string, ServiceName>> = {
  iot: 'iot',
  iotdata: 'iot-data',
  'iot-jobs-data': 'iot-jobs-data',
  'acm-pca': 'acm-pca',
  sns: 'sns',
  greengrass: 'greengrass',
  s3: 's3',
};

/** The access key id a SigV4-signed request names in its credential scope. */
export function accessKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  return authorization ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
}

const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/;

/**
 * Which API a request is for. AWS tells them apart by host name; here every API shares one
 * address, so the SigV4 credential scope (which names the signing service) decides. The
 * signature itself is not verified. Unsigned requests fall back to their protocol's marks.
 */
export function serviceOfRequest(headers: IncomingHttpHeaders, body: Buffer): ServiceName {
  const byScope = signedFor(headers);
  if (byScope) return byScope;
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('ACMPrivateCA.')) return 'acm-pca';
  const contentType = headers['content-type'] ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded') && body.toString('utf8').startsWith('Action=')) {
    return 'sns';
  }
  return 'iot';
}

/** The service named in a request's SigV4 credential scope, if it is one served here. */
export function signedFor(headers: IncomingHttpHeaders): ServiceName | undefined {
  const authorization = headers.authorization;
  const signingName = authorization ? CREDENTIAL_SCOPE.exec(authorization)?.[1] : undefined;
  return signingName === undefined ? undefined : BY_SIGNING_NAME[signingName];
}
