import { createHash } from 'node:crypto';
import * as graphene from 'graphene-pk11';

/** CKA_COPYABLE and CKA_DESTROYABLE (PKCS#11 v2.40); graphene knows them by number only. */
export const CKA_COPYABLE = 0x171;
export const CKA_DESTROYABLE = 0x172;

/**
 * Labels of the three generations of objects. The backup and pending labels and the id suffixes
 * are the original component's, so a device can switch between it and this one mid-fleet.
 */
export interface ObjectLabels {
  /** The label Greengrass uses (from the PKCS#11 URIs). */
  current: string;
  /** `<label>.bak`: the previous certificate and key while a rotation is unconfirmed. */
  backup: string;
  /** `<label>.pending`: the key generated for the CSR, until it is installed. */
  pending: string;
}

export function objectLabels(label: string): ObjectLabels {
  return { current: label, backup: `${label}.bak`, pending: `${label}.pending` };
}

/** Suffix byte appended to an object id: the original's `id * 256 + suffix`, one byte longer. */
export const ID_SUFFIX = { pending: 1, backup: 2 } as const;

/**
 * Greengrass refuses two private keys with the same CKA_ID, so pending and backup objects get the
 * current id with one suffix byte appended. The current id is thereby recoverable from any backup
 * id, which lets a roll-back restore ids even when nothing carries the label any more.
 */
export function derivedId(id: Buffer, suffix: number): Buffer {
  return Buffer.concat([id, Buffer.of(suffix)]);
}

/** The id a derived id was made from (the inverse of {@link derivedId}). */
export function baseIdOf(derived: Buffer): Buffer {
  return Buffer.from(derived.subarray(0, Math.max(0, derived.length - 1)));
}

export type ObjectKind = 'certificate' | 'private key' | 'public key';

const CLASS_OF: Record<ObjectKind, graphene.ObjectClass> = {
  certificate: graphene.ObjectClass.CERTIFICATE,
  'private key': graphene.ObjectClass.PRIVATE_KEY,
  'public key': graphene.ObjectClass.PUBLIC_KEY,
};

export function findObjects(session: graphene.Session, kind: ObjectKind, label: string): graphene.SessionObject[] {
  const found = session.find({ class: CLASS_OF[kind], label });
  const objects: graphene.SessionObject[] = [];
  for (let i = 0; i < found.length; i += 1) objects.push(found.items(i));
  return objects;
}

/** The one object of a kind with a label, or undefined. Two would make "the" key ambiguous: refused. */
export function findObject(session: graphene.Session, kind: ObjectKind, label: string): graphene.SessionObject | undefined {
  const objects = findObjects(session, kind, label);
  if (objects.length > 1) {
    throw new Error(`The token holds ${objects.length} ${kind} objects labelled "${label}"; expected at most one`);
  }
  return objects[0];
}

export function requireObject(session: graphene.Session, kind: ObjectKind, label: string): graphene.SessionObject {
  const object = findObject(session, kind, label);
  if (object === undefined) {
    throw new Error(`The token holds no ${kind} labelled "${label}"`);
  }
  return object;
}

/** CKA_ID; an object without one has the empty id. */
export function objectId(object: graphene.SessionObject): Buffer {
  const id: unknown = object.getAttribute('id');
  return Buffer.isBuffer(id) ? Buffer.from(id) : Buffer.alloc(0);
}

/** DER of a certificate object (CKA_VALUE). */
export function certificateDer(object: graphene.SessionObject): Buffer {
  return Buffer.from(object.getAttribute('value') as Buffer);
}

/** The certificate id AWS IoT uses: SHA-256 of the DER, lower-case hex. Safe to log. */
export function certificateIdOf(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Reads a CK_BBOOL attribute that older tokens may not know; `fallback` when the token does not. */
export function booleanAttribute(object: graphene.SessionObject, type: number, fallback: boolean): boolean {
  try {
    const value = object.getAttribute(type);
    return value.length === 0 ? fallback : value[0] !== 0;
  } catch {
    return fallback;
  }
}
