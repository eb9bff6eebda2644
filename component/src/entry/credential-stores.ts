import type { CredentialMode, GreengrassPaths } from '../config/effective-config.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import { FileCredentialStore } from '../credentials/file-store.js';
import type { Logger } from '../../../shared/logging/logger.js';
import { getComponentConfiguration, type IpcConfigurationClient } from '../transport/ipc-configuration.js';

export interface CredentialStoreContext {
  paths: GreengrassPaths;
  mode: CredentialMode;
  ipc: Pick<IpcConfigurationClient, 'getConfiguration'>;
  logger: Logger;
  /** The component's working directory, where the file store keeps its backups (as the original). */
  workDirectory: string;
}

/** The file store, or the PKCS#11 store configured by aws.greengrass.crypto.Pkcs11Provider. */
export async function createCredentialStore(context: CredentialStoreContext): Promise<CredentialStore> {
  const { paths, logger } = context;
  if (context.mode === 'file') {
    return new FileCredentialStore({
      certificatePath: paths.certificateFilePath,
      privateKeyPath: paths.privateKeyPath,
      workDirectory: context.workDirectory,
      logger,
    });
  }
  // Loaded only in PKCS#11 mode: its native addon ships for fewer platforms than the rest,
  // and a file-store device must not fail on it.
  const pkcs11 = await import('../credentials/pkcs11/index.js');
  const provider = pkcs11.parsePkcs11ProviderConfig(await getComponentConfiguration(context.ipc, pkcs11.PKCS11_PROVIDER_COMPONENT));
  return new pkcs11.Pkcs11CredentialStore({ paths, provider, logger });
}
