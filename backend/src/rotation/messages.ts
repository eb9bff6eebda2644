/** Texts devices and operators see. They match the original implementation word for word. */

export const PRECONDITIONS_NOT_MET = 'Pre-conditions not met';

export function issuerFailed(problem: string): string {
  return `Failed to create certificate from CSR: ${problem}`;
}

export function notificationPrefix(thingName: string): string {
  return `Certificate rotation job execution for ${thingName}`;
}

export const notifications = {
  invalidJob: (prefix: string) => `${prefix}: INVALID job. Certificates were not cleaned up.`,
  succeededContradicting: (prefix: string) =>
    `${prefix} SUCCEEDED but rotation progress was contradicting. Check core device logs for details. ` +
    'Old certificate was not deleted.',
  // The missing space before "Old" is the original's; operators may match on the text.
  failed: (prefix: string) =>
    `${prefix} FAILED. Core device detected an error. Check job execution status details and core device logs.` +
    'Old certificate is still active.',
  /**
   * Not the original's text, which asked an operator to delete the unused certificate: the core's
   * next rotation settles it now (see settle-earlier-rotation.ts).
   */
  unsettledAfterCommit: (prefix: string, status: 'FAILED' | 'TIMED_OUT') =>
    `${prefix} ${status === 'FAILED' ? 'FAILED' : 'TIMED OUT'} after commit. It is not yet known whether the device rotated ` +
    'to the new certificate or rolled back to the old, so both certificates stay active. The next rotation job of this ' +
    'device settles it without an operator: the certificate the device does not use is then deleted.',
  /** The core said it kept the new certificate although the job failed: the rotation took effect. */
  keptNewAfterCommit: (prefix: string, status: 'FAILED' | 'TIMED_OUT') =>
    `${prefix} ${status === 'FAILED' ? 'FAILED' : 'TIMED OUT'} after commit, but the device kept the new certificate. ` +
    'The old certificate was deleted. Check job execution status details and core device logs.',
  timedOut: (prefix: string) =>
    `${prefix} TIMED OUT. The device went offline during the rotation. Rotation cancelled. ` + 'Old certificate is still active.',
  /**
   * Not in the original: it had no retries, so it had no "ran out of time" case to report. The
   * terminal function deletes the rotation record only after the certificate it removes, so a
   * clean-up that stops half-way leaves the record for the core's next rotation to settle the pair.
   */
  cleanUpIncomplete: (prefix: string, status: string, problem: string) =>
    `${prefix} ${status}: certificate clean-up did not complete (${problem}). The rotation record stays in the thing's ` +
    "shadow, so the device's next rotation job retires the certificate the device does not use; until then, check the " +
    'certificates attached to the thing.',
};
