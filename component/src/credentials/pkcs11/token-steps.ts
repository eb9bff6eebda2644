import type * as graphene from 'graphene-pk11';
import { certificateTemplate } from './certificate-object.js';
import { pkcs11ErrorCode } from './session.js';
import {
  baseIdOf,
  derivedId,
  findObjects,
  ID_SUFFIX,
  objectId,
  requireObject,
  type ObjectKind,
  type ObjectLabels,
} from './token-objects.js';

/**
 * One token change: at most one mutating PKCS#11 call (C_CopyObject, C_CreateObject or
 * C_DestroyObject on each matching object). Every step finds its objects by label afresh, so a
 * sequence can stop after any step (a power cut) and a later process sees only what the token holds.
 * The token is assumed to apply each call atomically, as PKCS#11 token objects are.
 */
export interface TokenStep {
  readonly name: string;
  run(session: graphene.Session): void;
}

function destroyAll(kind: ObjectKind, label: string): TokenStep {
  return {
    name: `destroy ${kind} "${label}"`,
    run: (session) => findObjects(session, kind, label).forEach((object) => object.destroy()),
  };
}

/** Copies the object labelled `from` to `to`, with the id chosen from the source's id. */
function copy(kind: ObjectKind, from: string, to: string, idFor: (sourceId: Buffer) => Buffer): TokenStep {
  return {
    name: `copy ${kind} "${from}" to "${to}"`,
    run: (session) => {
      const source = requireObject(session, kind, from);
      source.copy({ label: to, id: idFor(objectId(source)) });
    },
  };
}

/**
 * Rotation: create-then-swap with the original's labels and ids. After a power cut following ANY
 * prefix of these steps, either the old pair is intact under the label (no complete backup yet),
 * or a complete backup exists and {@link rollbackSteps} restores the old pair:
 *
 * 0-1. Delete leftover backups. Until 3 completes there is no complete backup, and the old
 *      certificate and key still carry the label untouched: backupExists() is false and the device
 *      keeps working with the old pair.
 * 2.   Back up the certificate (`<label>.bak`, id + 0x02). Backup still incomplete, old pair intact.
 * 3.   Back up the key. From here on the backup is complete, so backupExists() is true and the
 *      rotator rolls back (or commits) after a restart.
 * 4.   Destroy the old certificate. Label: key only. Rollback copies the backups back.
 * 5.   Create the new certificate with the old label and id (the id is read from the backup, so
 *      this step needs nothing remembered from step 4). Label: new certificate, old key, a
 *      mismatched pair; installedCredentialsMatch() is false and the rotator rolls back.
 * 6.   Destroy the old key. Label: new certificate only. Rollback restores both.
 * 7.   Copy the pending key to the label with the old key's id (read from the key backup). The new
 *      pair is complete; the backup stays until the backend confirms the new certificate.
 * 8.   Destroy the pending key. Left over, it is harmless and the next CSR deletes it.
 *
 * The certificate is swapped before the key, as in the original, so at no moment does a
 * certificate with the label lack a backup.
 */
export function rotationSteps(labels: ObjectLabels, newCertificateDer: Buffer): TokenStep[] {
  return [
    destroyAll('certificate', labels.backup),
    destroyAll('private key', labels.backup),
    copy('certificate', labels.current, labels.backup, (id) => derivedId(id, ID_SUFFIX.backup)),
    copy('private key', labels.current, labels.backup, (id) => derivedId(id, ID_SUFFIX.backup)),
    destroyAll('certificate', labels.current),
    {
      name: `create certificate "${labels.current}"`,
      run: (session) => {
        const id = baseIdOf(objectId(requireObject(session, 'certificate', labels.backup)));
        session.create(certificateTemplate(newCertificateDer, labels.current, id));
      },
    },
    destroyAll('private key', labels.current),
    {
      name: `copy private key "${labels.pending}" to "${labels.current}"`,
      run: (session) => {
        const id = baseIdOf(objectId(requireObject(session, 'private key', labels.backup)));
        requireObject(session, 'private key', labels.pending).copy({ label: labels.current, id });
      },
    },
    destroyAll('private key', labels.pending),
  ];
}

/**
 * Roll-back, valid whenever a complete backup exists, and safe to repeat after a power cut at any
 * step:
 *
 * 0-1. Destroy whatever certificate and key carry the label (new, old, or nothing after a cut).
 *      The complete backup is untouched, so backupExists() stays true and a restart rolls back again.
 * 2-3. Copy the backups to the label. Ids come from the backup ids (minus the suffix byte), not
 *      from what was just destroyed as in the original: after a cut between 1 and 2 nothing carries
 *      the label, and the original would restore the objects without their ids.
 * 4.   Destroy the certificate backup. From here backupExists() is false, and the old pair is
 *      complete under the label.
 * 5.   Destroy the key backup. Left over, the next rotation's step 1 deletes it.
 */
export function rollbackSteps(labels: ObjectLabels): TokenStep[] {
  return [
    destroyAll('certificate', labels.current),
    destroyAll('private key', labels.current),
    copy('certificate', labels.backup, labels.current, baseIdOf),
    copy('private key', labels.backup, labels.current, baseIdOf),
    destroyAll('certificate', labels.backup),
    destroyAll('private key', labels.backup),
  ];
}

/** Deleting the backup: the certificate first, so a cut in between already reads as "no backup". */
export function deleteBackupSteps(labels: ObjectLabels): TokenStep[] {
  return [destroyAll('certificate', labels.backup), destroyAll('private key', labels.backup)];
}

/**
 * Pending key clean-up before a new CSR: a power cut during an earlier CSR may have left the pending
 * pair (or only its private key) in the token. Only objects with the pending label are touched.
 */
export function deletePendingSteps(labels: ObjectLabels): TokenStep[] {
  return [destroyAll('public key', labels.pending), destroyAll('private key', labels.pending)];
}

/** Runs steps in order; a failure names the step (a token without C_CopyObject fails at a copy). */
export function runSteps(session: graphene.Session, steps: readonly TokenStep[], onStep?: (step: TokenStep) => void): void {
  for (const step of steps) {
    onStep?.(step);
    try {
      step.run(session);
    } catch (error) {
      const reason = pkcs11ErrorCode(error) ?? (error instanceof Error ? error.message : String(error));
      throw new Error(`PKCS#11 step "${step.name}" failed: ${reason}`, { cause: error });
    }
  }
}
