import * as z from 'zod';
import {
  DEFAULT_KEY_ALGORITHM,
  DEFAULT_SIGNING_ALGORITHM,
  KEY_ALGORITHMS,
  SIGNING_ALGORITHMS,
  type AlgorithmConfig,
  type KeyAlgorithm,
  type SigningAlgorithm,
} from './algorithms.js';

/** The two key families; a key algorithm and a signing algorithm must belong to the same one. */
export type AlgorithmFamily = 'RSA' | 'EC';

/** Message prefixes of the validity report; the original component sends exactly these strings. */
export const ALGORITHM_VALIDATION_MESSAGES = {
  invalidKeyAlgorithm: 'Invalid key algorithm',
  invalidSigningAlgorithm: 'Invalid signing algorithm',
  mismatchedTypes: 'Key algorithm and signing algorithm have mismatched types',
  valid: 'Valid key and signing algorithm configuration',
} as const;

export type AlgorithmValidation = { valid: true; config: AlgorithmConfig; message: string } | { valid: false; message: string };

export function keyFamily(keyAlgorithm: KeyAlgorithm): AlgorithmFamily {
  return keyAlgorithm.startsWith('RSA-') ? 'RSA' : 'EC';
}

export function signingFamily(signingAlgorithm: SigningAlgorithm): AlgorithmFamily {
  return signingAlgorithm.startsWith('ECDSA-') ? 'EC' : 'RSA';
}

export function isKeyAlgorithm(value: unknown): value is KeyAlgorithm {
  return (KEY_ALGORITHMS as readonly unknown[]).includes(value);
}

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly unknown[]).includes(value);
}

/** Signing algorithms that suit a key algorithm. */
export function signingAlgorithmsFor(keyAlgorithm: KeyAlgorithm): SigningAlgorithm[] {
  return SIGNING_ALGORITHMS.filter((s) => signingFamily(s) === keyFamily(keyAlgorithm));
}

function allPairs(): AlgorithmConfig[] {
  return KEY_ALGORITHMS.flatMap((keyAlgorithm) => SIGNING_ALGORITHMS.map((signingAlgorithm) => ({ keyAlgorithm, signingAlgorithm })));
}

/** Every accepted (key, signing) pair: 2 RSA keys x 6 RSA signatures + 3 curves x 3 ECDSA hashes = 21. */
export const VALID_ALGORITHM_PAIRS: readonly Readonly<AlgorithmConfig>[] = Object.freeze(
  allPairs().filter((p) => keyFamily(p.keyAlgorithm) === signingFamily(p.signingAlgorithm)),
);

/** Every pair whose families differ: 2 RSA keys x 3 ECDSA + 3 curves x 6 RSA signatures = 24. */
export const MISMATCHED_ALGORITHM_PAIRS: readonly Readonly<AlgorithmConfig>[] = Object.freeze(
  allPairs().filter((p) => keyFamily(p.keyAlgorithm) !== signingFamily(p.signingAlgorithm)),
);

// Only the two algorithm keys matter; the rest of the component configuration
// (accessControl and whatever a deployment merges in) passes through untouched.
const configurationShape = z.looseObject({
  keyAlgorithm: z.unknown().optional(),
  signingAlgorithm: z.unknown().optional(),
});
const keyAlgorithmSchema = z.enum(KEY_ALGORITHMS).default(DEFAULT_KEY_ALGORITHM);
const signingAlgorithmSchema = z.enum(SIGNING_ALGORITHMS).default(DEFAULT_SIGNING_ALGORITHM);

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function notOneOf(prefix: string, field: string, value: unknown, allowed: readonly string[]): string {
  return `${prefix}: ${field} ${describe(value)} is not one of ${allowed.join(', ')}`;
}

/**
 * Checks a proposed component configuration the way the original answers
 * SubscribeToValidateConfigurationUpdates: key algorithm first, then signing algorithm,
 * then that both belong to the same family. Missing keys take the defaults.
 */
export function validateAlgorithmConfig(candidate: unknown): AlgorithmValidation {
  const shape = configurationShape.safeParse(candidate ?? {});
  if (!shape.success) {
    return {
      valid: false,
      message: `Invalid configuration: expected an object with keyAlgorithm and signingAlgorithm, got ${describe(candidate)}`,
    };
  }
  const keyAlgorithm = keyAlgorithmSchema.safeParse(shape.data.keyAlgorithm);
  if (!keyAlgorithm.success) {
    return {
      valid: false,
      message: notOneOf(ALGORITHM_VALIDATION_MESSAGES.invalidKeyAlgorithm, 'keyAlgorithm', shape.data.keyAlgorithm, KEY_ALGORITHMS),
    };
  }
  const signingAlgorithm = signingAlgorithmSchema.safeParse(shape.data.signingAlgorithm);
  if (!signingAlgorithm.success) {
    return {
      valid: false,
      message: notOneOf(
        ALGORITHM_VALIDATION_MESSAGES.invalidSigningAlgorithm,
        'signingAlgorithm',
        shape.data.signingAlgorithm,
        SIGNING_ALGORITHMS,
      ),
    };
  }
  const config: AlgorithmConfig = { keyAlgorithm: keyAlgorithm.data, signingAlgorithm: signingAlgorithm.data };
  if (keyFamily(config.keyAlgorithm) !== signingFamily(config.signingAlgorithm)) {
    return {
      valid: false,
      message:
        notOneOf(
          ALGORITHM_VALIDATION_MESSAGES.mismatchedTypes,
          'signingAlgorithm',
          config.signingAlgorithm,
          signingAlgorithmsFor(config.keyAlgorithm),
        ) + ` (the ones that suit keyAlgorithm ${describe(config.keyAlgorithm)})`,
    };
  }
  return { valid: true, config, message: ALGORITHM_VALIDATION_MESSAGES.valid };
}
