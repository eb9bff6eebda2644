import { io } from 'aws-iot-device-sdk-v2';

/**
 * aws-crt's handle on the PKCS#11 library, shared by every HSM core of one process.
 *
 * Coexistence with the component's Pkcs11CredentialStore (graphene-pk11) in the same process:
 * both `dlopen` the same libsofthsm2.so, so they share one library instance and one
 * C_Initialize/C_Finalize state. The store initialises and finalises per operation, but only when
 * its own C_Initialize succeeded; on CKR_CRYPTOKI_ALREADY_INITIALIZED it leaves the library as it
 * found it, and on CKR_USER_ALREADY_LOGGED_IN it does not log out (`withTokenSession`).
 * aws-crt's DEFAULT behaviour calls C_Initialize once here (with OS locking, so SoftHSM guards
 * its state against the TLS handshakes that sign on aws-crt's event-loop threads) and never
 * calls C_Finalize.
 *
 * Hence the rule: open this BEFORE any core connects and keep it for the life of the process.
 * From then on the store's C_Finalize never runs, so it cannot pull the library out from under a
 * TLS session; and a token with a live TLS context stays logged in, so the store never logs it
 * out. The store's operations are synchronous between C_Initialize and their end (one event-loop
 * turn), and aws-crt builds its TLS contexts (C_OpenSession, C_Login, C_FindObjects) on this
 * same JavaScript thread, so neither can see the other half-way.
 *
 * A consequence: SoftHSM reads SOFTHSM2_CONF once, here. Every token the process will use must
 * be in that configuration (see `createSoftHsmTokenSet`) and initialised before this is opened.
 */
export class SharedPkcs11Library {
  readonly lib: io.Pkcs11Lib;

  constructor(readonly path: string) {
    this.lib = new io.Pkcs11Lib(path, io.Pkcs11Lib.InitializeFinalizeBehavior.DEFAULT);
  }

  /** Releases aws-crt's handle (DEFAULT never finalises the library, so the store is unaffected). */
  close(): void {
    this.lib.close();
  }
}
