import * as graphene from 'graphene-pk11';
import type { AlgorithmConfig } from '../../config/algorithms.js';
import { KEY_SPECS, SIGNING_SPECS } from './algorithm-specs.js';
import type { TokenSession } from './session.js';
import { pkcs11ErrorCode } from './session.js';
import { booleanAttribute, CKA_COPYABLE, CKA_DESTROYABLE, requireObject, type ObjectLabels } from './token-objects.js';

/** Message of the P-521 refusal: Greengrass's TLS stack (aws-c-io) cannot use P-521 keys held in an HSM. */
export const P521_WITH_HSM_MESSAGE =
  'Key algorithm ECDSA-P521 cannot be used with an HSM: Greengrass (aws-c-io) does not support P-521 keys in PKCS#11 tokens';

/** Refusals that need no token: the algorithm pair itself is unusable with an HSM. */
export function checkAlgorithmsForHsm(algorithms: AlgorithmConfig): void {
  if (algorithms.keyAlgorithm === 'ECDSA-P521') throw new Error(P521_WITH_HSM_MESSAGE);
  if (KEY_SPECS[algorithms.keyAlgorithm].family !== SIGNING_SPECS[algorithms.signingAlgorithm].family) {
    throw new Error(`Key algorithm ${algorithms.keyAlgorithm} and signing algorithm ${algorithms.signingAlgorithm} have mismatched types`);
  }
}

// Keyed by CKM_ number: some mechanisms have two names (CKM_EC_KEY_PAIR_GEN = CKM_ECDSA_KEY_PAIR_GEN).
function mechanismsOf(slot: graphene.Slot): Map<number, graphene.Mechanism> {
  const list = slot.getMechanisms();
  const byType = new Map<number, graphene.Mechanism>();
  for (let i = 0; i < list.length; i += 1) {
    const mechanism = list.tryGetItem(i);
    if (mechanism !== null) byType.set(mechanism.type, mechanism);
  }
  return byType;
}

function requireMechanism(
  mechanisms: Map<number, graphene.Mechanism>,
  name: keyof typeof graphene.MechanismEnum,
  flag: graphene.MechanismFlag,
  use: string,
  bits: number,
  what: string,
  slot: number,
): void {
  const mechanism = mechanisms.get(graphene.MechanismEnum[name]);
  if (mechanism === undefined || (mechanism.flags & flag) === 0) {
    throw new Error(`${what} cannot be used with this HSM: the token in slot ${slot} does not support CKM_${name} for ${use}`);
  }
  // Key sizes are in bits for RSA and EC mechanisms. Some tokens report 0 for "no limit".
  const { minKeySize: min, maxKeySize: max } = mechanism;
  if ((min > 0 && bits < min) || (max > 0 && bits > max)) {
    throw new Error(
      `${what} cannot be used with this HSM: the token in slot ${slot} supports CKM_${name} only for ${min} to ${max}-bit keys`,
    );
  }
}

/** Refuses an algorithm pair whose key generation or signing mechanism the token lacks. */
export function checkTokenMechanisms(token: TokenSession, algorithms: AlgorithmConfig): void {
  const mechanisms = mechanismsOf(token.slot);
  const key = KEY_SPECS[algorithms.keyAlgorithm];
  const signing = SIGNING_SPECS[algorithms.signingAlgorithm];
  const slot = token.provider.slot;
  requireMechanism(
    mechanisms,
    key.generation,
    graphene.MechanismFlag.GENERATE_KEY_PAIR,
    'key pair generation',
    key.bits,
    `Key algorithm ${algorithms.keyAlgorithm}`,
    slot,
  );
  requireMechanism(
    mechanisms,
    signing.mechanism,
    graphene.MechanismFlag.SIGN,
    'signing',
    key.bits,
    `Signing algorithm ${algorithms.signingAlgorithm}`,
    slot,
  );
}

/**
 * Rotation backs up and swaps objects with C_CopyObject and C_DestroyObject, which no mechanism list
 * reveals. A session object (gone when the session closes, even after a power cut) is created,
 * copied and destroyed to find out, and the installed objects must allow copying and destroying.
 */
export function checkTokenObjectOperations(token: TokenSession, labels: ObjectLabels): void {
  const { session } = token;
  const probe = session.create({
    class: graphene.ObjectClass.DATA,
    token: false,
    private: false,
    label: `${labels.current}.probe`,
    value: Buffer.from('probe'),
  });
  try {
    const copy = probe.copy({ label: `${labels.current}.probe-copy` });
    copy.destroy();
  } catch (error) {
    throw new Error(
      `This HSM cannot rotate credentials: C_CopyObject failed (${pkcs11ErrorCode(error) ?? String(error)}); rotation needs C_CopyObject and C_DestroyObject`,
    );
  } finally {
    probe.destroy();
  }
  for (const kind of ['certificate', 'private key'] as const) {
    const object = requireObject(session, kind, labels.current);
    if (!booleanAttribute(object, CKA_COPYABLE, true)) {
      throw new Error(
        `This HSM cannot rotate credentials: the ${kind} labelled "${labels.current}" is not copyable (CKA_COPYABLE is false)`,
      );
    }
    if (!booleanAttribute(object, CKA_DESTROYABLE, true)) {
      throw new Error(
        `This HSM cannot rotate credentials: the ${kind} labelled "${labels.current}" is not destroyable (CKA_DESTROYABLE is false)`,
      );
    }
  }
}
