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
  timedOutAfterCommit: (prefix: string) =>
    `${prefix} TIMED OUT after commit. It is indeterminate whether the device rotated to the new certificate ` +
    'or rolled back to the old. Both certificates retained in the cloud. Manual intervention required to ' +
    'identify and delete the unused certificate.',
  timedOut: (prefix: string) =>
    `${prefix} TIMED OUT. The device went offline during the rotation. Rotation cancelled. ` + 'Old certificate is still active.',
  /** Not in the original: it had no retries, so it had no "ran out of time" case to report. */
  cleanUpIncomplete: (prefix: string, status: string, problem: string) =>
    `${prefix} ${status}: certificate clean-up did not complete (${problem}). Check the certificates attached to the thing.`,
};
