import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parsePkcs11ProviderConfig, type Pkcs11ProviderConfig } from '../../../src/credentials/pkcs11/provider-config.js';
import { findSoftHsmLibrary, SOFTHSM_INSTALL_HINT } from '../../../../shared/softhsm/find-library.js';

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

export interface SoftHsmTokenOptions {
  /** Token label; default `rotator-test`. */
  tokenLabel?: string;
  /** CKM_ names the token must not offer (SoftHSM `slots.mechanisms`), to test refusals. */
  disabledMechanisms?: readonly string[];
}

/** A freshly initialised SoftHSM2 token in its own directory with its own configuration file. */
export interface SoftHsmToken {
  dir: string;
  configPath: string;
  tokenLabel: string;
  soPin: string;
  userPin: string;
  /** What `aws.greengrass.crypto.Pkcs11Provider` would say for this token, parsed. */
  provider: Pkcs11ProviderConfig;
  /** Points SOFTHSM2_CONF at this token; the library reads it at each C_Initialize. */
  activate(): void;
  /** Removes the token directory and restores the previous SOFTHSM2_CONF. */
  dispose(): Promise<void>;
}

function mechanismsLine(disabled: readonly string[] | undefined): string {
  if (disabled === undefined || disabled.length === 0) return 'slots.mechanisms = ALL';
  // SoftHSM 2.6 drops the first name of a "-" list, so the first is given twice.
  return `slots.mechanisms = -${[disabled[0], ...disabled].join(',')}`;
}

/**
 * Creates and initialises a token in a new temporary directory and activates it.
 *
 * SoftHSM reads SOFTHSM2_CONF (and so finds its token directory) at C_Initialize. The store loads
 * and finalises the library per operation, so pointing the variable at another token between
 * operations is enough; tests in one file run one after another and each activates its own token.
 */
export async function createSoftHsmToken(options: SoftHsmTokenOptions = {}): Promise<SoftHsmToken> {
  const library = findSoftHsmLibrary();
  const dir = await mkdtemp(path.join(tmpdir(), 'softhsm-'));
  const configPath = path.join(dir, 'softhsm2.conf');
  const tokenLabel = options.tokenLabel ?? 'rotator-test';
  const soPin = '87654321';
  const userPin = '24681357';
  let slot: number;
  try {
    const tokenDir = path.join(dir, 'tokens');
    await mkdir(tokenDir);
    await writeFile(
      configPath,
      [
        `directories.tokendir = ${tokenDir}`,
        'objectstore.backend = file',
        'log.level = ERROR',
        'slots.removable = false',
        mechanismsLine(options.disabledMechanisms),
        '',
      ].join('\n'),
    );
    const output = softhsmUtil(['--init-token', '--free', '--label', tokenLabel, '--so-pin', soPin, '--pin', userPin], configPath);
    const slotMatch = /reassigned to slot (\d+)/.exec(output);
    if (slotMatch?.[1] === undefined) {
      throw new Error(`Cannot find the slot of the new token in softhsm2-util output: ${output.trim()}`);
    }
    slot = Number(slotMatch[1]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const provider = parsePkcs11ProviderConfig({ name: 'softhsm', library, slot, userPin });
  const previous = process.env.SOFTHSM2_CONF;
  const token: SoftHsmToken = {
    dir,
    configPath,
    tokenLabel,
    soPin,
    userPin,
    provider,
    activate: () => {
      process.env.SOFTHSM2_CONF = configPath;
    },
    dispose: async () => {
      if (previous === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = previous;
      await rm(dir, { recursive: true, force: true });
    },
  };
  token.activate();
  return token;
}
