import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parsePkcs11ProviderConfig, type Pkcs11ProviderConfig } from '../../../component/src/credentials/pkcs11/index.js';
import { SOFTHSM_INSTALL_HINT, findSoftHsmLibrary } from '../../../shared/softhsm/find-library.js';

/**
 * SoftHSM2 for a whole simulated fleet: ONE configuration file (one token directory) holding one
 * token per core. SoftHSM reads SOFTHSM2_CONF when the library is initialised, and the variable is
 * process-wide, so every core in a process must find its token through the same configuration;
 * each core then tells its token apart by slot id (its Pkcs11Provider configuration), as cores
 * with one HSM each would.
 */
export interface SoftHsmTokenSet {
  configPath: string;
  library: string;
  /** Points SOFTHSM2_CONF at this set; must happen before anything initialises the library. */
  activate(): void;
  /** Initialises a new token labelled `tokenLabel`; returns its provider configuration. */
  addToken(tokenLabel: string): SoftHsmDeviceToken;
}

export interface SoftHsmDeviceToken {
  tokenLabel: string;
  /** What `aws.greengrass.crypto.Pkcs11Provider` is configured with for this core. */
  provider: Pkcs11ProviderConfig;
  /** The same, as raw configuration (the PIN included) for the effective configuration file. */
  providerConfiguration: { name: string; library: string; slot: number; userPin: string };
}

const SO_PIN = '12345678';
/** One PIN for every simulated core: the stand-in's tokens protect nothing real. */
export const SIMULATED_USER_PIN = '1234';

/** Creates `<dir>/softhsm2.conf` and `<dir>/tokens`; throws naming the softhsm2 package when SoftHSM2 is missing. */
export async function createSoftHsmTokenSet(dir: string): Promise<SoftHsmTokenSet> {
  const library = findSoftHsmLibrary();
  const tokenDir = path.join(dir, 'tokens');
  await mkdir(tokenDir, { recursive: true });
  const configPath = path.join(dir, 'softhsm2.conf');
  await writeFile(
    configPath,
    [
      `directories.tokendir = ${tokenDir}`,
      'objectstore.backend = file',
      'log.level = ERROR',
      'slots.removable = false',
      'slots.mechanisms = ALL',
      '',
    ].join('\n'),
  );
  return {
    configPath,
    library,
    activate: () => {
      process.env.SOFTHSM2_CONF = configPath;
    },
    addToken: (tokenLabel) => {
      const output = softhsmUtil(
        ['--init-token', '--free', '--label', tokenLabel, '--so-pin', SO_PIN, '--pin', SIMULATED_USER_PIN],
        configPath,
      );
      const slot = /reassigned to slot (\d+)/.exec(output)?.[1];
      if (slot === undefined) throw new Error(`Cannot find the slot of token ${tokenLabel} in softhsm2-util output: ${output.trim()}`);
      const providerConfiguration = { name: 'softhsm', library, slot: Number(slot), userPin: SIMULATED_USER_PIN };
      return { tokenLabel, provider: parsePkcs11ProviderConfig(providerConfiguration), providerConfiguration };
    },
  };
}

function softhsmUtil(args: string[], configPath: string): string {
  try {
    return execFileSync('softhsm2-util', args, {
      env: { ...process.env, SOFTHSM2_CONF: configPath },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`softhsm2-util not found on PATH. ${SOFTHSM_INSTALL_HINT}`);
    }
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`softhsm2-util ${args[0] ?? ''} failed: ${stderr.trim() || String(error)}`);
  }
}
