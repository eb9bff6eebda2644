import * as graphene from 'graphene-pk11';
import type { Pkcs11ProviderConfig } from './provider-config.js';

/** An open, logged-in session on the configured token, valid only inside {@link withTokenSession}. */
export interface TokenSession {
  session: graphene.Session;
  slot: graphene.Slot;
  provider: Pkcs11ProviderConfig;
}

/** The PKCS#11 return value name (`CKR_...`) carried by a pkcs11js error, if any. */
export function pkcs11ErrorCode(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  return /CKR_[A-Z_]+/.exec(message)?.[0];
}

function describe(error: unknown): string {
  return pkcs11ErrorCode(error) ?? (error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
}

/** Slot ids are CK_ULONG handles in native byte order (little-endian on every platform Greengrass runs on). */
export function slotIdOf(slot: graphene.Slot): bigint {
  let id = 0n;
  for (let i = slot.handle.length - 1; i >= 0; i -= 1) {
    id = (id << 8n) | BigInt(slot.handle[i] ?? 0);
  }
  return id;
}

function findSlot(module: graphene.Module, provider: Pkcs11ProviderConfig): graphene.Slot {
  const slots = module.getSlots(true);
  const seen: string[] = [];
  for (let i = 0; i < slots.length; i += 1) {
    const slot = slots.items(i);
    const id = slotIdOf(slot);
    if (id === BigInt(provider.slot)) return slot;
    seen.push(id.toString());
  }
  throw new Error(
    `PKCS#11 slot ${provider.slot} has no token in library ${provider.library} (slots with a token: ${seen.join(', ') || 'none'})`,
  );
}

/**
 * Loads the library, initialises it, opens a session on the configured slot, logs in as the user,
 * runs `work`, then logs out, closes and finalises.
 *
 * `work` is synchronous on purpose: everything between C_Initialize and C_Finalize happens in one
 * turn of the event loop, so two stores in one process (a fleet simulation) never interleave on a
 * module and one store's C_Finalize cannot pull the library from under another's session. Loading
 * per operation also means the library reads its configuration afresh each time (SoftHSM reads
 * SOFTHSM2_CONF at C_Initialize). When something else in the process already initialised the
 * library (CKR_CRYPTOKI_ALREADY_INITIALIZED), it is left initialised.
 *
 * The PIN goes to C_Login and nowhere else; errors carry only the CKR_ code.
 */
export function withTokenSession<T>(
  provider: Pkcs11ProviderConfig,
  access: 'read-only' | 'read-write',
  work: (token: TokenSession) => T,
): T {
  let module: graphene.Module;
  try {
    module = graphene.Module.load(provider.library);
  } catch (error) {
    throw new Error(`Cannot load the PKCS#11 library ${provider.library}: ${describe(error)}`);
  }
  // C_Initialize is called directly, not through Module.initialize, to learn whether this call
  // initialised the library (and so must finalise it).
  const lib = module.lib;
  let initializedHere = false;
  try {
    try {
      lib.C_Initialize();
      initializedHere = true;
    } catch (error) {
      if (pkcs11ErrorCode(error) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
        throw new Error(`C_Initialize of ${provider.library} failed: ${describe(error)}`);
      }
    }
    const slot = findSlot(module, provider);
    const flags = graphene.SessionFlag.SERIAL_SESSION | (access === 'read-write' ? graphene.SessionFlag.RW_SESSION : 0);
    const session = slot.open(flags);
    let loggedInHere = false;
    try {
      try {
        session.login(provider.userPin, graphene.UserType.USER);
        loggedInHere = true;
      } catch (error) {
        if (pkcs11ErrorCode(error) !== 'CKR_USER_ALREADY_LOGGED_IN') {
          throw new Error(`PKCS#11 login to slot ${provider.slot} failed: ${describe(error)}`);
        }
      }
      const result = work({ session, slot, provider });
      if (result instanceof Promise) {
        throw new Error('withTokenSession work must be synchronous: the session closes when it returns');
      }
      return result;
    } finally {
      if (loggedInHere) {
        try {
          session.logout();
        } catch {
          // The session already went away (token removed): nothing left to undo.
        }
      }
      session.close();
    }
  } finally {
    if (initializedHere) lib.C_Finalize();
    module.close();
  }
}
