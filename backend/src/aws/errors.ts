/** Reads the fields AWS SDK v3 service exceptions carry, without trusting the shape of `unknown`. */

export function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  if (typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string') {
    return error.name;
  }
  return typeof error;
}

export function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata: unknown = error.$metadata;
  if (typeof metadata !== 'object' || metadata === null || !('httpStatusCode' in metadata)) return undefined;
  return typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/**
 * For logs and for rejection messages sent to a device: `Name: message` for AWS service errors
 * (their names carry the meaning), the message alone for our own errors.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return httpStatus(error) === undefined ? error.message : `${error.name}: ${error.message}`;
}

export function isNamed(error: unknown, ...names: string[]): boolean {
  return names.includes(errorName(error));
}
