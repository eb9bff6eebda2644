export { Pkcs11CredentialStore, type Pkcs11CredentialStoreOptions } from './pkcs11-credential-store.js';
export { PKCS11_PROVIDER_COMPONENT, parsePkcs11ProviderConfig, type Pkcs11ProviderConfig } from './provider-config.js';
export { hsmLabelFromPaths, type HsmCredentialPaths } from './hsm-paths.js';
export { isPkcs11Uri, parsePkcs11Uri, Pkcs11UriError, redactPkcs11Uri, type Pkcs11Uri, type Pkcs11ObjectType } from './uri.js';
export { P521_WITH_HSM_MESSAGE } from './token-support.js';

// Token primitives for provisioning a device's token before the component first runs (the local
// stand-in's HSM cores): the same key generation, object templates and lookups the store uses.
export { withTokenSession } from './session.js';
export { generateKeyPairInToken } from './keygen.js';
export { certificateTemplate } from './certificate-object.js';
export { spkiOfObject } from './public-key.js';
export { certificateDer, findObject, requireObject } from './token-objects.js';
