import { parsePkcs11Uri, Pkcs11UriError, redactPkcs11Uri, type Pkcs11ObjectType } from './uri.js';

/** The two Greengrass `system` keys that point at the core's credentials. */
export interface HsmCredentialPaths {
  certificateFilePath: string;
  privateKeyPath: string;
}

function labelOf(key: keyof HsmCredentialPaths, value: string, expectedType: Pkcs11ObjectType): string {
  const fail = (reason: string): never => {
    throw new Error(`${key} "${redactPkcs11Uri(value)}" is not a valid PKCS#11 URI: ${reason}`);
  };
  try {
    const uri = parsePkcs11Uri(value);
    if (uri.object === undefined || uri.object === '') {
      return fail('it has no object=<label> attribute');
    }
    if (uri.type !== undefined && uri.type !== expectedType) {
      return fail(`type is "${uri.type}", expected "${expectedType}"`);
    }
    return uri.object;
  } catch (error) {
    if (error instanceof Pkcs11UriError) return fail(error.reason);
    throw error;
  }
}

/**
 * The label that names both the certificate and the private key in the token.
 * The original reads it from `certificateFilePath` only and assumes the key has the same label;
 * a different label in `privateKeyPath` would make a rotation install a pair Greengrass does not
 * use, so it is refused here before anything changes.
 */
export function hsmLabelFromPaths(paths: HsmCredentialPaths): string {
  const certificateLabel = labelOf('certificateFilePath', paths.certificateFilePath, 'cert');
  const keyLabel = labelOf('privateKeyPath', paths.privateKeyPath, 'private');
  if (certificateLabel !== keyLabel) {
    throw new Error(
      `certificateFilePath names object "${certificateLabel}" but privateKeyPath names object "${keyLabel}"; ` +
        'the certificate and the private key must share one label',
    );
  }
  return certificateLabel;
}
