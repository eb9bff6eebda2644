import * as z from 'zod';

/** The Greengrass component whose configuration says which PKCS#11 library, slot and PIN to use. */
export const PKCS11_PROVIDER_COMPONENT = 'aws.greengrass.crypto.Pkcs11Provider';

/** Library, slot and user PIN of the token that holds the core's credentials. */
export interface Pkcs11ProviderConfig {
  /** Path of the PKCS#11 shared library. */
  readonly library: string;
  /** CK_SLOT_ID of the slot holding the token. */
  readonly slot: number;
  /** User PIN. Not enumerable, so logging or serialising the config cannot reveal it. */
  readonly userPin: string;
}

// Greengrass configuration arrives as JSON; a PIN or slot written in YAML without quotes arrives as a
// number. Numbers are accepted for both; a numeric PIN with leading zeros would already have lost them
// in YAML, which is the operator's to fix, so the error messages below never echo the value.
const LIBRARY_ERROR = { error: 'must be the path of the PKCS#11 library (a non-empty string)' };
const SLOT_ERROR = { error: 'must be a slot id (a non-negative integer)' };
const PIN_ERROR = { error: 'must be the user PIN (a non-empty string)' };

// Every check carries the field's message: zod's defaults would name the received type or bound.
const schema = z.looseObject({
  library: z.string(LIBRARY_ERROR).min(1, LIBRARY_ERROR),
  slot: z.union(
    [z.number(SLOT_ERROR).int(SLOT_ERROR).nonnegative(SLOT_ERROR), z.string(SLOT_ERROR).regex(/^\d+$/, SLOT_ERROR).transform(Number)],
    SLOT_ERROR,
  ),
  userPin: z.union(
    [z.string(PIN_ERROR).min(1, PIN_ERROR), z.number(PIN_ERROR).int(PIN_ERROR).nonnegative(PIN_ERROR).transform(String)],
    PIN_ERROR,
  ),
});

/**
 * Validates the provider component's configuration (IPC `GetConfiguration` with component name
 * {@link PKCS11_PROVIDER_COMPONENT}). Errors name the field and never contain the configured values.
 */
export function parsePkcs11ProviderConfig(value: unknown): Pkcs11ProviderConfig {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(configuration)'} ${issue.message}`);
    throw new Error(`${PKCS11_PROVIDER_COMPONENT} configuration is invalid: ${problems.join('; ')}`);
  }
  const config = { library: result.data.library, slot: result.data.slot } as Pkcs11ProviderConfig;
  Object.defineProperty(config, 'userPin', { value: result.data.userPin, enumerable: false });
  return Object.freeze(config);
}
