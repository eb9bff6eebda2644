import type { KeyObject } from 'node:crypto';

/**
 * Whether two public keys are the same key, compared as keys rather than as encodings (the same
 * EC point compressed or not is the same key). Keys of different types or curves are told apart
 * before `KeyObject.equals` is asked: given keys of different types, it answers false but leaves
 * OpenSSL's "different key types" error on the thread's queue, and the next TLS connection the
 * function opens (its next AWS call) fails with that error.
 */
export function sameKey(a: KeyObject, b: KeyObject): boolean {
  if (a.asymmetricKeyType !== b.asymmetricKeyType) return false;
  if (a.asymmetricKeyDetails?.namedCurve !== b.asymmetricKeyDetails?.namedCurve) return false;
  return a.equals(b);
}
