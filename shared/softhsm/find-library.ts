import { existsSync } from 'node:fs';

/** How to get SoftHSM2 on the systems the README lists. */
export const SOFTHSM_INSTALL_HINT =
  'Install SoftHSM2: apt-get install softhsm2 (Debian, Ubuntu), dnf install softhsm (RHEL, Fedora), brew install softhsm (macOS); the PKCS#11 tests and --hsm need a real SoftHSM2 token.';

/** Where distributions put the SoftHSM2 PKCS#11 module. `SOFTHSM2_LIB` overrides the search. */
const LIBRARY_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/arm-linux-gnueabihf/softhsm/libsofthsm2.so',
  '/usr/lib64/pkcs11/libsofthsm2.so',
  '/usr/lib/pkcs11/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
  '/usr/local/opt/softhsm/lib/softhsm/libsofthsm2.so',
];

/** Path of libsofthsm2.so; throws, naming the package to install, when there is none. */
export function findSoftHsmLibrary(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.SOFTHSM2_LIB;
  if (override !== undefined && override !== '') {
    if (!existsSync(override)) throw new Error(`SOFTHSM2_LIB=${override} does not exist. ${SOFTHSM_INSTALL_HINT}`);
    return override;
  }
  const found = LIBRARY_CANDIDATES.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(`SoftHSM2 library libsofthsm2.so not found (looked in ${LIBRARY_CANDIDATES.join(', ')}). ${SOFTHSM_INSTALL_HINT}`);
  }
  return found;
}
